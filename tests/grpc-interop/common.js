'use strict';
// Loads nodeservice.NodeService from the repository's proto/node-service.proto the way a
// NestJS Core does (@grpc/proto-loader; camelCase field names, 64-bit integers as numbers).

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'proto', 'node-service.proto');

const LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

function loadService() {
  const definition = protoLoader.loadSync(PROTO, LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition).nodeservice;
}

// A proto3 `optional` field: present only when set (its synthetic oneof names it).
function optional(message, field) {
  return message[`_${field}`] === field ? message[field] : undefined;
}

module.exports = { grpc, loadService, optional, PROTO };

'use strict';
// A Core written with grpc-js, loaded from proto/node-service.proto: POST /node/register over
// HTTP (node:http) and every NodeService method over gRPC, on 127.0.0.1 with ports chosen by
// the OS. It prints {"http": <url>, "grpc": "<host:port>"} on the first line of stdout, records
// every call, and when stdin closes prints {"calls": [...]} on one line and exits.
//
//   node server.js <config.json>
//
// <config.json> is the NodeConfig to serve (revision, clientMap, mtprotoClientMap, services).

const fs = require('node:fs');
const http = require('node:http');
const crypto = require('node:crypto');
const { grpc, loadService, optional } = require('./common.js');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const nodeservice = loadService();
const calls = [];
let issuedKey = null;
let appliedRevision = null;

// --------------------------------------------------------------------- HTTP registration

function nestError(res, status, error, message) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ message, error, statusCode: status }));
}

const httpServer = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/node/register') {
      nestError(res, 404, 'Not Found', `Cannot ${req.method} ${req.url}`);
      return;
    }
    let dto;
    try {
      dto = JSON.parse(body);
    } catch (e) {
      nestError(res, 400, 'Bad Request', [String(e.message)]);
      return;
    }
    const missing = ['code', 'name', 'ip', 'region'].filter((k) => typeof dto[k] !== 'string');
    if (missing.length > 0) {
      nestError(res, 400, 'Bad Request', missing.map((k) => `${k} must be a string`));
      return;
    }
    issuedKey = crypto.randomBytes(32).toString('hex');
    calls.push({ method: 'register', body: dto });
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ authKey: issuedKey, nodeId: 7 }));
  });
});

// --------------------------------------------------------------------- gRPC

function keyOf(call) {
  const fromMetadata = call.metadata.get('x-node-auth-key');
  if (fromMetadata.length > 0 && String(fromMetadata[0]) !== '') {
    return { key: String(fromMetadata[0]), via: 'metadata' };
  }
  const field = optional(call.request, 'authKey');
  if (field) {
    return { key: field, via: 'field' };
  }
  return { key: null, via: 'none' };
}

function authenticated(name, handler) {
  return (call, callback) => {
    const { key, via } = keyOf(call);
    const ok = key !== null && issuedKey !== null && key.length === issuedKey.length
      && crypto.timingSafeEqual(Buffer.from(key), Buffer.from(issuedKey));
    if (!ok) {
      calls.push({ method: name, refused: true, via });
      callback({ code: grpc.status.UNAUTHENTICATED, details: 'invalid node auth key' });
      return;
    }
    try {
      const record = { method: name, via };
      const answer = handler(call.request, record);
      calls.push(record);
      callback(null, answer);
    } catch (e) {
      callback({ code: e.code || grpc.status.INTERNAL, details: String(e.message) });
    }
  };
}

const implementation = {
  Heartbeat: authenticated('Heartbeat', (req, record) => {
    const revision = optional(req, 'revision');
    record.revision = revision === undefined ? null : revision;
    record.ip = optional(req, 'ip') ?? null;
    const needSync = revision === undefined || revision < config.revision;
    return { ok: true, needSync };
  }),
  ReportUsage: authenticated('ReportUsage', (req, record) => {
    record.entries = req.entries.length;
    record.bytesUp = req.entries.reduce((sum, e) => sum + e.bytesUp, 0);
    record.recordedAt = req.entries.map((e) => e.recordedAt);
    record.subscriptionIds = req.entries.map((e) => optional(e, 'subscriptionId') ?? null);
    return { ok: true };
  }),
  ReportOutboundUsage: authenticated('ReportOutboundUsage', (req, record) => {
    record.items = req.items;
    return { ok: true };
  }),
  GetLatestConfig: authenticated('GetLatestConfig', () => ({
    revision: config.revision,
    clientMapJson: JSON.stringify(config.clientMap),
    mtprotoClientMapJson: JSON.stringify(config.mtprotoClientMap),
    servicesJson: JSON.stringify(config.services),
  })),
  ConfirmConfigApplied: authenticated('ConfirmConfigApplied', (req, record) => {
    record.revision = req.revision;
    if (req.revision > config.revision) {
      const e = new Error(`revision ${req.revision} was never published`);
      e.code = grpc.status.FAILED_PRECONDITION;
      throw e;
    }
    appliedRevision = req.revision;
    return { ok: true };
  }),
  ReportNodeStats: authenticated('ReportNodeStats', (req, record) => {
    record.stats = {
      uptimeSeconds: req.uptimeSeconds,
      cpuPercent: req.cpuPercent,
      cpuCores: req.cpuCores,
      ramUsed: req.ramUsed,
      ramTotal: req.ramTotal,
      diskUsed: req.diskUsed,
      diskTotal: req.diskTotal,
      netRxPerSec: req.netRxPerSec,
      netTxPerSec: req.netTxPerSec,
      netRxTotal: req.netRxTotal,
      netTxTotal: req.netTxTotal,
      xrayRunning: req.xrayRunning,
      xrayUptimeSeconds: optional(req, 'xrayUptimeSeconds') ?? null,
      mtprotoJson: req.mtprotoJson,
    };
    return { ok: true };
  }),
  ReportSessionEvents: authenticated('ReportSessionEvents', (req, record) => {
    record.events = req.events.length;
    return { ok: true };
  }),
  ReportError: authenticated('ReportError', (req, record) => {
    record.message = req.message;
    record.code = optional(req, 'code') ?? null;
    return { ok: true };
  }),
};

const grpcServer = new grpc.Server();
grpcServer.addService(nodeservice.NodeService.service, implementation);

function finish() {
  process.stdout.write(`${JSON.stringify({ calls, appliedRevision })}\n`);
  grpcServer.forceShutdown();
  httpServer.close();
  httpServer.closeAllConnections();
}

httpServer.listen(0, '127.0.0.1', () => {
  grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`bind: ${err.message}\n`);
      process.exit(1);
    }
    const { port: httpPort } = httpServer.address();
    process.stdout.write(`${JSON.stringify({ http: `http://127.0.0.1:${httpPort}`, grpc: `127.0.0.1:${port}` })}\n`);
    // Runs until the test closes stdin (or dies, which closes it too).
    process.stdin.resume();
    process.stdin.on('end', finish);
  });
});

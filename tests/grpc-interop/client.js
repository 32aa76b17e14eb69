'use strict';
// A node written with grpc-js, loaded from proto/node-service.proto, calling a Core:
// Heartbeat, ReportUsage with 10,000 entries, GetLatestConfig (the JSON strings parsed),
// ConfirmConfigApplied, ReportNodeStats, ReportSessionEvents, and the refusals (a wrong key, no
// key, a bad timestamp). Prints one JSON object with every answer and status code.
//
//   node client.js <host:port> <auth key>

const { grpc, loadService } = require('./common.js');

const [target, key] = process.argv.slice(2);
const nodeservice = loadService();
const client = new nodeservice.NodeService(target, grpc.credentials.createInsecure(), {
  'grpc.max_send_message_length': 16 * 1024 * 1024,
});

function keyed(k) {
  const metadata = new grpc.Metadata();
  if (k !== null) metadata.set('x-node-auth-key', k);
  return metadata;
}

function call(method, request, metadata) {
  return new Promise((resolve) => {
    client[method](request, metadata, { deadline: Date.now() + 30000 }, (err, response) => {
      if (err) resolve({ code: err.code, details: err.details });
      else resolve({ code: grpc.status.OK, response });
    });
  });
}

async function main() {
  const out = {};
  out.heartbeat = await call('Heartbeat', { ip: '203.0.113.7' }, keyed(key));

  const start = Date.UTC(2026, 5, 1, 12, 0, 0);
  const entries = [];
  let bytesUp = 0;
  let bytesDown = 0;
  for (let i = 0; i < 10000; i += 1) {
    const entry = {
      userId: 1 + (i % 100),
      nodeProtocolId: 1 + (i % 3),
      bytesUp: i * 1000,
      bytesDown: i * 7919,
      recordedAt: new Date(start + i * 1000).toISOString(),
    };
    if (i % 5 !== 0) entry.subscriptionId = 1 + (i % 100);
    bytesUp += entry.bytesUp;
    bytesDown += entry.bytesDown;
    entries.push(entry);
  }
  out.usage = await call('ReportUsage', { entries }, keyed(key));
  out.usageSent = { entries: entries.length, bytesUp, bytesDown };

  const config = await call('GetLatestConfig', {}, keyed(key));
  out.config = { code: config.code };
  if (config.code === grpc.status.OK) {
    const r = config.response;
    out.config.revision = r.revision;
    out.config.parsed = {
      revision: r.revision,
      clientMap: JSON.parse(r.clientMapJson),
      mtprotoClientMap: JSON.parse(r.mtprotoClientMapJson),
      services: JSON.parse(r.servicesJson),
    };
    out.applied = await call('ConfirmConfigApplied', { revision: r.revision }, keyed(key));
    out.heartbeatAfter = await call('Heartbeat', { revision: r.revision }, keyed(key));
    out.tooNew = await call('ConfirmConfigApplied', { revision: r.revision + 1 }, keyed(key));
  }

  out.stats = await call('ReportNodeStats', {
    uptimeSeconds: 86400,
    cpuPercent: 12.5,
    cpuCores: 4,
    ramUsed: 2 ** 31,
    ramTotal: 2 ** 33,
    diskUsed: 2 ** 35,
    diskTotal: 2 ** 37,
    netRxPerSec: 1250.5,
    netTxPerSec: 640.25,
    netRxTotal: 2 ** 40,
    netTxTotal: 2 ** 39,
    xrayRunning: true,
    xrayUptimeSeconds: 3600,
    mtprotoJson: JSON.stringify({ running: true, connections: 3 }),
  }, keyed(key));
  out.events = await call('ReportSessionEvents', {
    events: [
      { userId: 1, protocol: 'vless', eventType: 'online', occurredAt: new Date(start).toISOString(), ipAddress: '198.51.100.4' },
      { userId: 1, protocol: 'vless', eventType: 'offline', occurredAt: new Date(start + 60000).toISOString() },
    ],
  }, keyed(key));

  out.keyInField = await call('Heartbeat', { authKey: key }, keyed(null));
  out.wrongKey = await call('Heartbeat', {}, keyed('0'.repeat(64)));
  out.noKey = await call('Heartbeat', {}, keyed(null));
  out.wrongKeyConfig = await call('GetLatestConfig', {}, keyed('wrong'));
  out.badTimestamp = await call('ReportUsage', {
    entries: [{ userId: 1, nodeProtocolId: 1, bytesUp: 1, bytesDown: 1, recordedAt: 'yesterday' }],
  }, keyed(key));
  out.badConfigJson = await call('ReportNodeStats', { cpuPercent: 1, mtprotoJson: '{not json' }, keyed(key));

  process.stdout.write(`${JSON.stringify(out)}\n`);
  client.close();
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});

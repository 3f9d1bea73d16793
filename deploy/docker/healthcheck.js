// The image's HEALTHCHECK. A bridge (`reelay start`, `reelay bridge`) is healthy when its /readyz
// answers 200 (store and Redis reachable); a renderer has no HTTP port, so it is healthy while Redis,
// where its queue lives, accepts a connection.
'use strict';
const net = require('node:net');

const role = require('node:fs').readFileSync('/proc/1/cmdline', 'utf8').split('\0');
const fail = () => process.exit(1);
setTimeout(fail, 4000).unref();

if (role.includes('renderer')) {
  const url = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  net.connect(Number(url.port) || 6379, url.hostname, function () {
    this.end();
    process.exit(0);
  }).on('error', fail);
} else {
  fetch(`http://127.0.0.1:${process.env.PORT || 8080}/readyz`).then((res) => process.exit(res.ok ? 0 : 1), fail);
}

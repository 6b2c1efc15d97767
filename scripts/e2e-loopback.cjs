// Node preload (`node --require scripts/e2e-loopback.cjs ...`) for the Agents Playground.
// The playground calls server.listen(port) with no host, so it listens on every interface and has no
// option to change that. This makes any TCP listen() without an explicit host bind to 127.0.0.1,
// so the local client is not exposed to the network. Used by scripts/run and the end-to-end tests.
"use strict";
const net = require("net");

const LOOPBACK = process.env.PLAYGROUND_BIND_HOST || "127.0.0.1";
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (args.length === 0 || typeof args[0] === "function") {
    args.unshift({ port: 0, host: LOOPBACK });
  } else if (isPort(args[0]) && typeof args[1] !== "string") {
    args.splice(1, 0, LOOPBACK);
  } else if (
    args[0] !== null &&
    typeof args[0] === "object" &&
    !("host" in args[0]) &&
    !("path" in args[0]) &&
    !("fd" in args[0]) &&
    !("_handle" in args[0]) &&
    !("handle" in args[0])
  ) {
    args[0] = { ...args[0], host: LOOPBACK };
  }
  return originalListen.apply(this, args);
};

// Loopback ports for the helper processes the tests start (nginx, redis-server):
// these cannot be asked for port 0 and tell which one they got.
import { once } from "node:events";
import { connect, createServer } from "node:net";

/** A port free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/** Resolves once `port` accepts connections; rejects if `child` (called `name`) exits first or 10 s pass. */
export async function waitForPort(port, child, name) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode})`);
    }
    const open = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within 10 s`);
}

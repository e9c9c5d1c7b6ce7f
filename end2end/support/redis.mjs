// Debian's redis-server on a free loopback port, as the test's own process:
// no saving to disk, gone when stopped. Servers given `--redis-url` to it act as one room.
import { spawn } from "node:child_process";
import { once } from "node:events";

import { freePort, waitForPort } from "./ports.mjs";

/** Resolves to `{ url, stop() }` once redis-server listens. */
export async function startRedis() {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.env.REDIS_SERVER ?? "redis-server",
      ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let log = ""; // redis-server logs to stdout, and why it could not bind among it
    for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => (log += chunk));
    const failed = once(child, "error").then(([error]) => {
      throw error.code === "ENOENT"
        ? new Error("redis-server is not installed: `bash scripts/setup.sh test` installs Debian's redis-server")
        : error;
    });
    failed.catch(() => {}); // only awaited while starting
    try {
      await Promise.race([waitForPort(port, child, "redis-server"), failed]);
    } catch (error) {
      child.kill("SIGKILL");
      // Another process took the port between freePort() and redis-server's bind: try another.
      if (attempt < 3 && /Address already in use/.test(log)) continue;
      throw new Error(`${error.message}\n${log}`.trim(), { cause: error });
    }
    return {
      url: `redis://127.0.0.1:${port}/`,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          await once(child, "exit");
        }
      },
    };
  }
}

// Starts the real release binary on a free port and returns its URL.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** `args`: more flags for the server, such as `--no-lab` where the HTTPS lanes are not needed. */
export async function startServer({ contentDir = "content", args = [] } = {}) {
  const binary = process.env.REALTIME_LAB_BIN ?? `${ROOT}target/release/realtime-lab`;
  const child = spawn(
    binary,
    ["--addr", "127.0.0.1:0", "--no-watch", "--content-dir", contentDir, "--site-root", "target/site", ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start within 20 s")), 20_000);
    child.once("error", (error) =>
      reject(
        error.code === "ENOENT"
          ? new Error(`${binary} does not exist: build it with \`cargo leptos build --release\`, or set REALTIME_LAB_BIN`)
          : error,
      ),
    );
    child.once("exit", (code) => reject(new Error(`the server exited with status ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = line.match(/open (http:\/\/\S+?)\/?$/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

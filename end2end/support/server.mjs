// Starts the real release binary on a free port and returns its URL.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `args`: more flags for the server, such as `--no-lab` where the HTTPS lanes are not needed;
 * `addr`: where to listen (a restart test starts the next process on the same port).
 * Resolves to `{ url, lanes: { http2, http1 } | null, stop() }` once the server is ready.
 */
export async function startServer({ contentDir = "content", args = [], addr = "127.0.0.1:0", watch = false } = {}) {
  const binary = process.env.REALTIME_LAB_BIN ?? `${ROOT}target/release/realtime-lab`;
  const child = spawn(
    binary,
    ["--addr", addr, ...(watch ? [] : ["--no-watch"]), "--content-dir", contentDir, "--site-root", "target/site", ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
  );
  const labOff = args.includes("--no-lab");
  const { url, lanes } = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start within 20 s")), 20_000);
    child.once("error", (error) =>
      reject(
        error.code === "ENOENT"
          ? new Error(`${binary} does not exist: build it with \`cargo leptos build --release\`, or set REALTIME_LAB_BIN`)
          : error,
      ),
    );
    child.once("exit", (code) => reject(new Error(`the server exited with status ${code}`)));
    let site = null;
    let lanes = null;
    createInterface({ input: child.stdout }).on("line", (line) => {
      site ??= line.match(/open (http:\/\/\S+?)\/?$/)?.[1] ?? null;
      const lane = line.match(/HTTP\/2 (https:\/\/\S+?)\/ and HTTP\/1\.1 only (https:\/\/\S+?)\/$/);
      if (lane) lanes = { http2: lane[1], http1: lane[2] };
      if (site && (lanes || labOff)) {
        clearTimeout(timer);
        resolve({ url: site, lanes });
      }
    });
  });
  return {
    url,
    lanes,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

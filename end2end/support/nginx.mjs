// Debian's nginx in front of the real server, run as the test's own process
// with the shipped site file deploy/nginx/realtime-lab.conf: only its ports,
// its certificate and its upstream address are changed, by exact string
// replacement, so what is tested is what a host installs.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants, readFileSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

import { freePort, waitForPort } from "./ports.mjs";
import { ROOT } from "./server.mjs";

export const SITE_FILE = "deploy/nginx/realtime-lab.conf";

/** The nginx binary: `NGINX_PATH`, else the first on `PATH` or in the sbin folders (Debian puts it in /usr/sbin). */
export function findNginx() {
  if (process.env.NGINX_PATH) return process.env.NGINX_PATH;
  const folders = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const folder of folders.filter(Boolean)) {
    try {
      accessSync(join(folder, "nginx"), constants.X_OK);
      return join(folder, "nginx");
    } catch {
      // not here
    }
  }
  return null;
}

/** A self-signed certificate for 127.0.0.1 and localhost; `ca` is its PEM, for Node to trust. */
function makeCertificate(dir) {
  const cert = join(dir, "fullchain.pem");
  const key = join(dir, "privkey.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=realtime-lab test", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout", key, "-out", cert],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { cert, key, ca: readFileSync(cert, "utf8") };
}

/**
 * The shipped site file with its host-specific lines moved to the test's
 * ports, certificate and upstream. Each line must be there exactly once: if
 * the site file changes shape, the test says so instead of testing a config
 * that no longer matches it.
 */
function renderSiteFile(text, { upstream, httpPort, httpsPort, cert, key }) {
  const replacements = [
    ["server 127.0.0.1:3000;", `server ${upstream};`],
    ["listen 80;", `listen 127.0.0.1:${httpPort};`],
    ["listen [::]:80;", ""],
    ["listen 443 ssl http2;", `listen 127.0.0.1:${httpsPort} ssl http2;`],
    ["listen [::]:443 ssl http2;", ""],
    ["/etc/ssl/realtime-lab/fullchain.pem", cert],
    ["/etc/ssl/realtime-lab/privkey.pem", key],
  ];
  for (const [from, to] of replacements) {
    const count = text.split(from).length - 1;
    if (count !== 1) {
      throw new Error(
        `${SITE_FILE} has \`${from}\` ${count} times, expected once: the proxy test replaces it ` +
          "(end2end/support/nginx.mjs, renderSiteFile); update the two together",
      );
    }
    text = text.replace(from, to);
  }
  return text;
}

/** What Debian's /etc/nginx/nginx.conf puts around a site file, minus what needs root. */
function mainConfig(dir) {
  return `worker_processes 1;
events { worker_connections 256; }
http {
    gzip on;
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/realtime-lab.conf;
}
`;
}

/**
 * Starts nginx in the foreground with the shipped site file in front of
 * `upstream` (`host:port` of the real server). Returns its HTTPS `url`, the
 * certificate as `ca`, and `stop()`.
 */
export async function startNginx({ nginx, upstream }) {
  const dir = await mkdtemp(join(tmpdir(), "realtime-lab-nginx-"));
  // Run as root, nginx's workers drop to `nobody`: they must reach the temp folders.
  await chmod(dir, 0o755);
  const { cert, key, ca } = makeCertificate(dir);
  const siteFile = await readFile(join(ROOT, SITE_FILE), "utf8");
  for (let attempt = 1; ; attempt++) {
    const httpPort = await freePort();
    const httpsPort = await freePort();
    const rendered = renderSiteFile(siteFile, { upstream, httpPort, httpsPort, cert, key });
    await writeFile(join(dir, "realtime-lab.conf"), rendered);
    await writeFile(join(dir, "nginx.conf"), mainConfig(dir));
    const errorLog = join(dir, "error.log");
    const child = spawn(
      nginx,
      ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", errorLog,
        "-g", `daemon off; pid ${dir}/nginx.pid; error_log ${errorLog} warn;`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    try {
      await waitForPort(httpsPort, child, "nginx");
    } catch (error) {
      child.kill("SIGKILL");
      const log = `${stderr}${await readFile(errorLog, "utf8").catch(() => "")}`.trim();
      // Another process took a port between freePort() and nginx's bind: try others.
      if (attempt < 3 && /Address already in use/.test(log)) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${error.message} with ${SITE_FILE}:\n${log}`, { cause: error });
    }
    return {
      url: `https://127.0.0.1:${httpsPort}`,
      ca,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM"); // fast shutdown: open streams are cut, not waited for
          await once(child, "exit");
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

// Lesson 5's SSE clock as most tutorials write it: a timer per client that
// nothing ever stops. When a client leaves, its timer keeps firing into a
// dead response, once a second, forever. A reference for benches/lean.sh,
// which measures what that costs after the clients left.
//
//   node clock-leaky.mjs [PORT]    (or PORT=…; 0 picks a free port)
//
// The same events as clock.mjs; only the `res.on("close", …)` line is missing.
import http from "node:http";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const server = http.createServer((req, res) => {
  res.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
  });
  setInterval(() => {
    const now = Date.now();
    const id = Math.floor(now / 1000);
    res.write(`event: tick\nid: ${id}\ndata: ${new Date(now).toISOString()}\n\n`);
  }, 1000);
});

server.listen(port, "127.0.0.1", () => console.log(server.address().port));

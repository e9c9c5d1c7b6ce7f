// Lesson 5's SSE clock in Node, with its fix: a timer per client, stopped
// when the response closes. A reference for benches/lean.sh.
//
//   node clock.mjs [PORT]    (or PORT=…; 0 picks a free port)
//
// Listens on 127.0.0.1 only and prints the port it took on one line. Each
// event carries what realtime-lab's /api/clock sends: `event: tick`, an
// `id:` (seconds since the Unix epoch) and an RFC 3339 time as data, so
// both servers write the same bytes per tick.
import http from "node:http";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const server = http.createServer((req, res) => {
  res.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
  });
  const timer = setInterval(() => {
    const now = Date.now();
    const id = Math.floor(now / 1000);
    res.write(`event: tick\nid: ${id}\ndata: ${new Date(now).toISOString()}\n\n`);
  }, 1000);
  // The fix lesson 5 teaches: stop the work when the client leaves.
  res.on("close", () => clearInterval(timer));
});

server.listen(port, "127.0.0.1", () => console.log(server.address().port));

// Lesson 5's WebSocket echo in Node with the `ws` package: every message
// sent back as it came. A reference for benches/lean.sh.
//
//   node echo.mjs [PORT]    (or PORT=…; 0 picks a free port)
//
// Listens on 127.0.0.1 only and prints the port it took on one line.
import { WebSocketServer } from "ws";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const server = new WebSocketServer({ host: "127.0.0.1", port });
server.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    socket.send(data, { binary: isBinary });
  });
});
server.on("listening", () => console.log(server.address().port));

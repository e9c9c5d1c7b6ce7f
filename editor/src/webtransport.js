// Lesson 9's WebTransport demos (src/ui/demos/webtransport): the server renders them whole, this
// fills them in. Each starts when it first comes near the screen.
//
// - [data-wt="echo"]: a session on the QUIC lane's /api/webtransport/echo: the clock's datagrams,
//   an echo on a new bidirectional stream per message. Where WebTransport cannot open (no API, no
//   secure context, or no answer over UDP in WT_TIMEOUT_MS) it says why and echoes over the
//   WebSocket on /api/echo instead, as an application must.
// - [data-wt="loss"]: /api/webtransport/loss: the same messages on one stream, on a stream each and
//   as datagrams while the server drops packets; each message's delay plotted and tabled.

// A network that blocks UDP sends no error back: the only sign is silence.
const WT_TIMEOUT_MS = 4000;
const WAYS = [
	["one-stream", "One stream", "hol-one"],
	["own-stream", "A stream each", "hol-own"],
	["datagram", "Datagrams", "hol-datagram"],
];

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const hexBytes = (hex) => Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));

/** Why WebTransport cannot open on this page, or null. */
function unavailable(root) {
	if (!window.isSecureContext) {
		const https = `https://${location.hostname}:${root.dataset.httpsPort}${location.pathname}`;
		return {
			text: "This page is not a secure context (it came over plain http:// from another machine), and browsers allow WebTransport only in one. Open it from this server's HTTPS lane, accepting its certificate: ",
			link: https,
		};
	}
	if (typeof WebTransport !== "function") return { text: "This browser has no WebTransport (Chrome has it since 97, Firefox since 114, Safari since 26.4)." };
	return null;
}

function say(element, why) {
	element.textContent = why.text;
	if (why.link) {
		const link = document.createElement("a");
		link.href = link.textContent = why.link;
		element.append(link);
	}
}

/** A session on the QUIC lane at `path`, trusting the certificate the server names. */
async function openSession(path) {
	const response = await fetch("/api/webtransport");
	if (!response.ok) throw new Error(`GET /api/webtransport answered ${response.status}`);
	const lane = await response.json();
	if (!lane.port) throw new Error("this server's QUIC lane is off");
	const options = lane.certificate_hashes.length
		? { serverCertificateHashes: lane.certificate_hashes.map((hash) => ({ algorithm: "sha-256", value: hexBytes(hash) })) }
		: {};
	const transport = new WebTransport(`https://${location.hostname}:${lane.port}${path}`, options);
	transport.ready.catch(() => {});
	transport.closed.catch(() => {});
	let timer;
	const silence = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer over UDP in ${WT_TIMEOUT_MS / 1000} s: this network may block UDP`)), WT_TIMEOUT_MS);
	});
	try {
		await Promise.race([transport.ready, silence]);
	} catch (error) {
		try {
			transport.close();
		} catch {}
		throw error;
	} finally {
		clearTimeout(timer);
	}
	return transport;
}

/** The WebSocket echo: a function that sends a text and resolves with its echo. */
function websocketEcho(status) {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/api/echo`);
		const waiting = [];
		socket.onopen = () =>
			resolve((text) => new Promise((echoed, failed) => {
				if (socket.readyState !== WebSocket.OPEN) return failed(new Error("the WebSocket is closed"));
				waiting.push({ echoed, failed });
				socket.send(text);
			}));
		socket.onmessage = (event) => waiting.shift()?.echoed(event.data);
		socket.onerror = () => reject(new Error("the WebSocket did not open either"));
		socket.onclose = (event) => {
			for (const { failed } of waiting.splice(0)) failed(new Error("the WebSocket closed"));
			status.textContent = `The WebSocket closed (${event.code}${event.reason ? `: ${event.reason}` : ""}). Reload the page to connect again.`;
		};
	});
}

async function echoDemo(root) {
	const status = root.querySelector("[data-wt-status]");
	const stat = (name, value) => (root.querySelector(`[data-wt-stat="${name}"]`).textContent = value);
	const form = root.querySelector("[data-wt-send]");
	const rows = root.querySelector("[data-wt-echoes]");
	let send;
	try {
		const why = unavailable(root);
		if (why) throw Object.assign(new Error(why.text), { why });
		status.textContent = "Opening a WebTransport session over HTTP/3, on UDP…";
		const transport = await openSession("/api/webtransport/echo");
		root.dataset.transport = "webtransport";
		stat("transport", "WebTransport: HTTP/3 over QUIC, on UDP");
		status.textContent = "Connected. Each message goes on a new bidirectional stream of the same QUIC connection.";
		readClock(transport, stat);
		send = async (text) => {
			const stream = await transport.createBidirectionalStream();
			const writer = stream.writable.getWriter();
			await writer.write(encoder.encode(text));
			await writer.close();
			return new Response(stream.readable).text();
		};
		const ended = (why) => {
			status.textContent = `${why} Reload the page to connect again.`;
			form.querySelector("button").disabled = true;
		};
		transport.closed.then(
			() => ended("The session closed."),
			(error) => ended(`The session ended: ${error.message}.`),
		);
	} catch (error) {
		root.dataset.transport = "websocket";
		const note = root.querySelector("[data-wt-fallback]");
		note.hidden = false;
		if (error.why) say(note, error.why);
		else note.textContent = `WebTransport did not open: ${error.message}.`;
		note.append(" The echo falls back to the WebSocket on /api/echo, over TCP, as an application must; the clock's datagrams have no such twin here (/api/clock sends it over SSE).");
		stat("transport", "WebSocket over TCP (the fallback)");
		try {
			send = await websocketEcho(status);
		} catch (fallback) {
			status.textContent = `No connection: ${fallback.message}.`;
			return;
		}
		// The status line is the live region: it says why, as the note does.
		status.textContent = `${note.textContent.split(" The echo falls back")[0]} Connected over the WebSocket on /api/echo instead.`;
	}
	const button = form.querySelector("button");
	button.disabled = false;
	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		const text = form.elements.text.value;
		const started = performance.now();
		let echoed;
		try {
			echoed = await send(text);
		} catch (error) {
			status.textContent = `Not echoed: ${error.message}.`;
			return;
		}
		const rtt = performance.now() - started;
		status.textContent = `Echoed in ${rtt.toFixed(1)} ms.`;
		const row = rows.insertRow(0);
		for (const [value, numeric] of [[text], [echoed], [`${rtt.toFixed(1)} ms`, true]]) {
			const cell = row.insertCell();
			cell.textContent = value;
			if (numeric) cell.className = "num";
		}
		while (rows.rows.length > 8) rows.deleteRow(-1);
	});
}

async function readClock(transport, stat) {
	const reader = transport.datagrams.readable.getReader();
	let received = 0;
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			const tick = JSON.parse(decoder.decode(value));
			stat("clock", tick.time.slice(11, 19));
			stat("datagrams", String(++received));
			stat("connection", `#${tick.connection}`);
			stat("streams", String(tick.streams));
			stat("open", String(tick.open));
		}
	} catch {}
}

/** Reads a stream of JSON lines, handing each to `line`; what follows the last newline is `rest`. */
async function readLines(stream, line, rest) {
	const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = "";
	for (;;) {
		const { value, done } = await reader.read();
		if (done) break;
		buffer += value;
		for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
			line(JSON.parse(buffer.slice(0, end)));
			buffer = buffer.slice(end + 1);
		}
	}
	if (buffer.trim()) rest(JSON.parse(buffer));
}

/** Every message of one run, and the server's summary. */
async function runLoss(query) {
	const transport = await openSession(`/api/webtransport/loss?${query}`);
	const arrivals = [];
	const note = (message) => arrivals.push({ ...message, at: performance.now() });
	let summarised;
	const summary = new Promise((resolve) => (summarised = resolve));
	(async () => {
		const reader = transport.datagrams.readable.getReader();
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			note(JSON.parse(decoder.decode(value)));
		}
	})().catch(() => {});
	const reading = [];
	(async () => {
		const streams = transport.incomingUnidirectionalStreams.getReader();
		for (;;) {
			const { value, done } = await streams.read();
			if (done) return;
			reading.push(readLines(value, note, summarised).catch(() => {}));
		}
	})().catch(() => {});
	let timer;
	const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the run did not end within 30 s")), 30000)));
	const cut = transport.closed.then(
		() => Promise.reject(new Error("the session closed before the run ended")),
		(error) => Promise.reject(new Error(`the session ended: ${error.message}`)),
	);
	cut.catch(() => {}); // it rejects when this run closes the session, after the race

	try {
		const summed = await Promise.race([summary, late, cut]);
		// The server sends the summary once every stream is acknowledged:
		// what is still being read here came before it.
		await Promise.race([Promise.all(reading), late, cut]);
		return { arrivals, summary: summed };
	} finally {
		clearTimeout(timer);
		try {
			transport.close();
		} catch {}
	}
}

/** Each message's delay past the quickest: its arrival less its sending, against the least of them. */
function delays(arrivals) {
	const lateness = arrivals.map((a) => a.at - a.sent);
	const least = Math.min(...lateness);
	return arrivals.map((a, i) => ({ way: a.way, seq: a.seq, delay: lateness[i] - least }));
}

const svg = (name, attributes, text) => {
	const element = document.createElementNS("http://www.w3.org/2000/svg", name);
	for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
	if (text !== undefined) element.textContent = text;
	return element;
};

function plot(chart, measured, count) {
	const [left, right, top, bottom] = [48, 628, 14, 200];
	const worst = Math.max(50, ...measured.map((m) => m.delay));
	const x = (seq) => left + (seq * (right - left)) / Math.max(1, count - 1);
	const y = (delay) => bottom - (delay * (bottom - top)) / worst;
	chart.replaceChildren(
		svg("line", { x1: left, y1: bottom, x2: right, y2: bottom, class: "hol-axis" }),
		svg("line", { x1: left, y1: top, x2: left, y2: bottom, class: "hol-axis" }),
		svg("text", { x: left - 6, y: bottom, "text-anchor": "end", class: "hol-label" }, "0"),
		svg("text", { x: left - 6, y: top + 8, "text-anchor": "end", class: "hol-label" }, `${Math.round(worst)} ms`),
		svg("text", { x: (left + right) / 2, y: 236, "text-anchor": "middle", class: "hol-label" }, `message 1 to ${count}, in the order sent`),
	);
	for (const [way, , className] of WAYS) {
		const points = measured.filter((m) => m.way === way).sort((a, b) => a.seq - b.seq);
		if (way !== "datagram") {
			chart.append(svg("polyline", { points: points.map((p) => `${x(p.seq)},${y(p.delay)}`).join(" "), class: `hol-line ${className}` }));
		}
		for (const p of points) {
			const [px, py] = [x(p.seq), y(p.delay)];
			const mark =
				way === "one-stream"
					? svg("circle", { cx: px, cy: py, r: 3.5 })
					: way === "own-stream"
						? svg("rect", { x: px - 3, y: py - 3, width: 6, height: 6 })
						: svg("polygon", { points: `${px},${py - 4} ${px - 4},${py + 3} ${px + 4},${py + 3}` });
			mark.setAttribute("class", className);
			chart.append(mark);
		}
		if (way === "datagram") {
			const came = new Set(points.map((p) => p.seq));
			for (let seq = 0; seq < count; seq++) {
				if (!came.has(seq)) chart.append(svg("text", { x: x(seq), y: 216, "text-anchor": "middle", class: "hol-lost" }, "✕"));
			}
		}
	}
}

const camel = (prefix, way) => prefix + way.split("-").map((word) => word[0].toUpperCase() + word.slice(1)).join("");

function lossDemo(root) {
	const run = root.querySelector("[data-hol-run]");
	const status = root.querySelector("[data-wt-status]");
	const why = unavailable(root);
	if (why) return say(status, why);
	run.disabled = false;
	run.addEventListener("click", async () => {
		run.disabled = true;
		delete root.dataset.done;
		const [count, every] = [Number(root.dataset.count), Number(root.dataset.every)];
		const drop = root.querySelector('[data-hol="drop"]').value;
		const delay = root.querySelector('[data-hol="delay"]').value;
		const seed = Math.floor(Math.random() * 2 ** 31);
		status.textContent = `Sending ${count} messages three ways, ${Math.round(drop * 100)}% of packets dropped, ${delay} ms on the way…`;
		try {
			const { arrivals, summary } = await runLoss(`drop=${drop}&delay=${delay}&count=${count}&every=${every}&seed=${seed}`);
			const measured = delays(arrivals);
			plot(root.querySelector("[data-hol-chart]"), measured, count);
			const rows = root.querySelector("[data-hol-rows]");
			rows.replaceChildren();
			const said = [];
			for (const [way, label] of WAYS) {
				const of = measured.filter((m) => m.way === way).map((m) => m.delay);
				const mean = of.length ? of.reduce((a, b) => a + b, 0) / of.length : 0;
				const worst = of.length ? Math.max(...of) : 0;
				// data-mean-one-stream, data-came-datagram, …: for the browser tests.
				root.dataset[camel("mean", way)] = mean.toFixed(1);
				root.dataset[camel("came", way)] = of.length;
				const row = rows.insertRow();
				row.dataset.way = way;
				for (const [value, numeric] of [[label], [`${of.length} of ${count}`, true], [`${mean.toFixed(0)} ms`, true], [`${worst.toFixed(0)} ms`, true]]) {
					const cell = row.insertCell();
					cell.textContent = value;
					if (numeric) cell.className = "num";
				}
				said.push(`${said.length ? label.toLowerCase() : label}: ${of.length} of ${count} came, mean delay ${mean.toFixed(0)} ms, worst ${worst.toFixed(0)} ms`);
			}
			status.textContent = `Done. The server dropped ${summary.dropped} of the ${summary.packets} packets it sent you. ${said.join("; ")}.`;
			root.dataset.done = "1";
		} catch (error) {
			status.textContent = `The run failed: ${error.message}.`;
		} finally {
			run.disabled = false;
		}
	});
}

const start = (root) => {
	root.dataset.started = "1";
	(root.dataset.wt === "echo" ? echoDemo : lossDemo)(root);
};
const demos = document.querySelectorAll(".wt-demo[data-wt]");
const near = new IntersectionObserver(
	(entries) => {
		for (const entry of entries) {
			if (!entry.isIntersecting) continue;
			near.unobserve(entry.target);
			start(entry.target);
		}
	},
	{ rootMargin: "200px" },
);
for (const demo of demos) near.observe(demo);

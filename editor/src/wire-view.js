// The wire view: opens this demo's connection again with a tap id, and
// shows what the server read and wrote on it, decoded, as it happens
// (/api/wire/taps/{id}/view). The fields come from the server; this file
// only lays them out.

const el = (tag, attrs = {}, ...children) => {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attrs)) {
		if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
	}
	for (const child of children.flat()) {
		if (child !== undefined && child !== null && child !== false) node.append(child);
	}
	return node;
};

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
// Each byte in hex, two by two, so the learner can count them.
const spaced = (hex) => (hex || "").replace(/(..)(?!$)/g, "$1 ");
const TLS_RECORD = 22; // TLS 1.3: 5-byte header, 1-byte type, 16-byte AEAD tag

/** What one record is, in a line; `client` names who sent the client's. */
function title(record, client) {
	const who = record.from === "client" ? client : "Server →";
	switch (record.kind) {
		case "head": return `${who} ${record.start_line}`;
		case "chunk": return `${who} chunk of ${plural(record.size, "byte")}${record.size === 0 ? " (the last chunk)" : ""}`;
		case "body": return `${who} body, ${plural(record.app_bytes, "byte")}`;
		case "frame": return `${who} WebSocket ${record.opcode_name} frame${record.masked ? ", masked" : ""}`;
		case "preface": return `${who} HTTP/2 connection preface`;
		case "h2": {
			const frames = record.frames.length ? `, carrying ${plural(record.frames.length, "WebSocket frame")}` : "";
			return `${who} ${record.frame_type} on stream ${record.stream}${record.flags.length ? ` [${record.flags.join(", ")}]` : ""}${frames}`;
		}
		default: return `${who} ${plural(record.wire_bytes, "byte")} not decoded`;
	}
}

function wsFields(frame) {
	const rows = [
		["FIN", frame.fin ? "1: the last frame of this message" : "0: more frames follow"],
		["RSV1–3", frame.rsv.map(Number).join(" ")],
		["opcode", `0x${frame.opcode.toString(16)} (${frame.opcode_name})`],
		["MASK", frame.masked ? "1: masked, as every client frame must be" : "0: not masked, as every server frame is"],
		["payload length", `${frame.length} (written in the ${frame.length_form} form)`],
	];
	if (frame.mask_key) rows.push(["masking key", spaced(frame.mask_key)]);
	rows.push(["header bytes", spaced(frame.header_hex)]);
	rows.push([frame.masked ? "payload as sent (masked)" : "payload as sent", spaced(frame.payload_hex) || "(empty)"]);
	if (frame.close) rows.push(["close code and reason", `${frame.close[0]} ${JSON.stringify(frame.close[1])}`]);
	else rows.push([frame.masked ? "payload unmasked" : "payload", frame.payload || "(empty)"]);
	return rows;
}

function fields(record) {
	switch (record.kind) {
		case "head": return record.headers.map(([name, value]) => [name, value]);
		case "chunk": return [["size line", `${record.size_line} (hex for ${record.size})`], ["data", record.data], ["then", "CRLF"]];
		case "body": return [["data", record.data]];
		case "frame": return wsFields(record);
		case "preface": return [["bytes", record.text]];
		case "h2": {
			const rows = [["frame header (9 bytes)", spaced(record.header_hex)], ["length", String(record.length)]];
			for (const [name, value] of record.settings) rows.push([`SETTINGS_${name}`, String(value)]);
			for (const [name, value] of record.headers) rows.push([name, value]);
			if (record.hpack) {
				const { block_bytes: block, as_text_bytes: text } = record.hpack;
				rows.push(["HPACK", `${plural(block, "byte")} for fields that take ${text} as text: ${Math.max(0, text - block)} saved by the static and dynamic tables and Huffman coding`]);
			}
			if (record.data !== null && record.data !== undefined) rows.push(["data", record.data]);
			if (record.increment !== null && record.increment !== undefined) rows.push(["window increment", String(record.increment)]);
			if (record.error) rows.push(["error code", record.error]);
			if (record.last_stream !== null && record.last_stream !== undefined) rows.push(["last stream", String(record.last_stream)]);
			if (record.opaque) rows.push(["opaque data", spaced(record.opaque)]);
			record.frames.forEach((frame, i) => {
				rows.push([`WebSocket frame ${i + 1}`, ""]);
				rows.push(...wsFields(frame).map(([n, v]) => [`  ${n}`, v]));
			});
			return rows;
		}
		default: return [["reason", record.reason], ["bytes", spaced(record.hex)]];
	}
}

function item(record, client) {
	const rows = fields(record);
	const bytes = record.app_bytes
		? `${plural(record.wire_bytes, "byte")} on the wire, ${record.app_bytes} of them the application's`
		: `${plural(record.wire_bytes, "byte")} on the wire`;
	return el("li", { class: `wire-record wire-${record.from}` },
		el("details", {},
			el("summary", {}, el("span", { class: "wire-at" }, `${record.at_ms.toFixed(1)} ms`), " ", title(record, client), el("span", { class: "wire-bytes" }, ` · ${bytes}`)),
			el("dl", { class: "wire-fields" }, rows.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, el("code", {}, value))])),
			record.rfc ? el("p", { class: "wire-rfc" }, "Defined in ", el("a", { href: record.href, rel: "noopener" }, record.rfc)) : null));
}

/** The messages' cost: the application's bytes against the wire's. */
function costLine(records, overTls) {
	const messages = [];
	for (const record of records) {
		// A chunk is one event on the clock's own stream, several behind the proxy that buffers.
		if (record.kind === "chunk" && record.size > 0) messages.push([record.app_bytes, record.wire_bytes, (record.data.match(/\n\n/g) ?? []).length]);
		if (record.kind === "frame" && (record.opcode === 1 || record.opcode === 2)) messages.push([record.app_bytes, record.wire_bytes]);
		if (record.kind === "h2") {
			for (const frame of record.frames) if (frame.opcode === 1 || frame.opcode === 2) messages.push([frame.length, record.wire_bytes]);
			if (record.frame_type === "DATA" && !record.frames.length && record.app_bytes) messages.push([record.app_bytes, record.wire_bytes]);
		}
	}
	if (!messages.length) return "No message yet.";
	const [app, wire, events = 1] = messages.at(-1);
	const tls = overTls ? ` Over TLS, a message sent in its own record costs ${TLS_RECORD} bytes more (computed: a TLS 1.3 record's header, type and tag; not measured here).` : "";
	if (events > 1) return `Last chunk: ${events} events, ${plural(app, "byte")} of the application's, ${wire} on the wire (${wire - app} of framing, once for all ${events}).${tls}`;
	return `Last message: ${plural(app, "byte")} of the application's, ${wire} on the wire (${wire - app} of framing).${tls} ${plural(messages.length, "message")} so far.`;
}

/** How this demo's connection is opened again, with the tap's id. */
function opener(kind, details, tap, say) {
	const host = location.hostname;
	if (kind === "clock") {
		const source = new EventSource(`/api/clock?tap=${tap}`);
		return { close: () => source.close() };
	}
	if (kind === "proxy") {
		// The clock through lesson 8's proxy that buffers: the proxy takes
		// the tap off before it forwards the request.
		const source = new EventSource(`/api/proxy/buffers/clock?tap=${tap}`);
		return { close: () => source.close() };
	}
	if (kind === "answer") {
		// The answer over fetch: a POST with a body and a header, which
		// EventSource cannot send, read to its end.
		const controller = new AbortController();
		fetch(`/api/answer?tap=${tap}`, {
			method: "POST",
			headers: { "Content-Type": "application/json", Authorization: "Bearer demo-token" },
			body: JSON.stringify({ question: "Why stream an answer?" }),
			signal: controller.signal,
		})
			.then(async (response) => {
				const reader = response.body.getReader();
				while (!(await reader.read()).done);
			})
			.catch(() => {});
		return { close: () => controller.abort() };
	}
	if (kind === "echo") {
		const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/echo?tap=${tap}`);
		const input = el("input", { type: "text", value: "hi", "aria-label": "Message to send", maxlength: "200" });
		const send = el("button", { type: "button" }, "Send");
		const close = el("button", { type: "button" }, "Close with 4000");
		send.addEventListener("click", () => socket.readyState === 1 && socket.send(input.value));
		close.addEventListener("click", () => socket.close(4000, "done with the wire view"));
		details.querySelector(".wire-actions").append(input, send, close);
		return { close: () => socket.close() };
	}
	const port = details.dataset.port;
	const origin = `https://${host}:${port}`;
	const unreachable = () => say(`Could not reach the lab's lane at ${origin}: open the lab above first (its certificate must be trusted).`);
	if (kind === "lab-h1") {
		// A lab stream on the HTTP/1.1 lane: chunks, as on the site, inside TLS.
		const source = new EventSource(`${origin}/api/lab/stream?label=wire&tap=${tap}`);
		source.onerror = () => source.readyState === EventSource.CLOSED && unreachable();
		return { close: () => source.close() };
	}
	// The HTTP/2 lane: the tap goes in the first request on a new
	// connection. Sent with credentials, as a WebSocket always is, so that
	// the browser keeps both in one pool and runs the socket inside this
	// connection (RFC 8441) rather than on one of its own; "no-cors", as the
	// lane does not answer credentialed CORS, and the page needs no answer.
	const request = (path) => fetch(`${origin}${path}`, { mode: "no-cors", credentials: "include", cache: "no-store" });
	let socket = null;
	const more = el("button", { type: "button" }, "Three requests at once");
	more.addEventListener("click", () => {
		for (let i = 0; i < 3; i++) request("/api/lab/ping").catch(() => {});
	});
	details.querySelector(".wire-actions").append(more);
	request(`/api/lab/ping?tap=${tap}`).then(() => {
		socket = new WebSocket(`wss://${host}:${port}/api/lab/socket`);
	}).catch(unreachable);
	return { close: () => socket?.close(), retry: () => request(`/api/lab/ping?tap=${tap}`).catch(() => {}) };
}

/** A new tap, or `null` after saying why the server refused one. */
async function newTap(say) {
	const response = await fetch("/api/wire/taps", { method: "POST" });
	if (!response.ok) {
		say(await response.text());
		return null;
	}
	return response.json();
}

/**
 * Follows `tap`'s view: each record into `list` (`client` names who sent the
 * client's), its progress through `say`, the messages' cost through `cost`;
 * `waiting` runs when the tap waits for its connection, `reused` when an
 * HTTP/2 connection was asked to close.
 */
function follow(tap, { list, say, cost, client, waiting, reused }) {
	const records = [];
	const view = new EventSource(tap.view);
	view.addEventListener("waiting", waiting);
	view.addEventListener("reused", reused ?? (() => {}));
	view.addEventListener("record", (event) => {
		const record = JSON.parse(event.data);
		records.push(record);
		list.append(item(record, client));
		say(`${plural(records.length, "record")} from this connection.`);
		cost?.(records);
	});
	view.addEventListener("closed", (event) => {
		const { left_out: leftOut } = JSON.parse(event.data);
		say(`The connection ended.${leftOut ? ` ${plural(leftOut, "byte")} beyond the capture's ${tap.capture_bytes} were not kept.` : ""}`);
		view.close();
	});
	// Gives the tap back when the page goes, so that it counts in nobody's share.
	addEventListener("pagehide", () => {
		fetch(`/api/wire/taps/${tap.id}`, { method: "DELETE", keepalive: true }).catch(() => {});
	}, { once: true });
}

export async function start(details) {
	const kind = details.dataset.wire;
	const status = details.querySelector(".wire-status");
	const costLineEl = details.querySelector(".wire-cost");
	const say = (text) => { status.textContent = text; };
	const tap = await newTap(say);
	if (!tap) return;
	let connection = null;
	follow(tap, {
		list: details.querySelector(".wire-records"),
		say,
		cost: (records) => { costLineEl.textContent = costLine(records, kind.startsWith("lab")); },
		client: "Your browser →",
		waiting: () => {
			if (connection) return;
			say("Waiting for the connection…");
			connection = opener(kind, details, tap.id, say);
		},
		reused: () => {
			say("Your browser sent the tap on an HTTP/2 connection it already had open; the server asked it to close (GOAWAY) and the request goes again on a new one.");
			connection?.retry?.();
		},
	});
	const download = details.querySelector(".wire-download");
	download.href = tap.capture;
	download.hidden = false;
	const stop = el("button", { type: "button" }, "Stop");
	stop.addEventListener("click", () => { connection?.close(); });
	details.querySelector(".wire-actions").prepend(stop);
}

/**
 * A terminal twin's tap: the twin's first command with the tap's id, for
 * the learner to run; what the terminal's connection carries then shows
 * under it, as the wire view shows the page's.
 */
export async function tapTerminal(twin) {
	const shown = twin.querySelector("[data-twin-tapped]");
	const status = shown.querySelector(".wire-status");
	const say = (text) => { status.textContent = text; };
	shown.hidden = false;
	const tap = await newTap(say);
	if (!tap) return;
	const command = twin.querySelector("pre code").textContent.trim();
	shown.querySelector("pre code").textContent = `${command}?tap=${tap.id}`;
	follow(tap, {
		list: shown.querySelector(".wire-records"),
		say,
		client: "Your terminal →",
		waiting: () => say(`Waiting for your terminal: run the command above within ${Math.round(tap.unclaimed_ms / 1000)} s.`),
	});
}

// The lab's latency waterfall: 30 ordinary requests at once to one lane,
// each answered after the chosen latency (the lane's ?delay=), drawn from
// the browser's own resource timing: when the page asked, when the request
// went out (the gap is the wait for a connection), when the answer's first
// byte came. Each answer names the TCP connection that carried it.

const REQUESTS = 30;
const SVG = "http://www.w3.org/2000/svg";

const svg = (tag, attrs) => {
	const node = document.createElementNS(SVG, tag);
	for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
	return node;
};

/** One request: its timing relative to `t0`, and the connection that carried it. */
async function request(url, t0) {
	const response = await fetch(url, { cache: "no-store" });
	const { connection, protocol } = await response.json();
	const entry = performance.getEntriesByName(url).at(-1);
	const at = (time) => Math.max(0, time - t0);
	return {
		connection,
		protocol,
		asked: at(entry.startTime),
		sent: at(entry.requestStart || entry.startTime),
		first: at(entry.responseStart),
		end: at(entry.responseEnd),
	};
}

/** The waterfall: a row per request, grey while it waits, coloured by connection once sent. */
function chart(rows, connections, label) {
	const end = Math.max(...rows.map((r) => r.end), 1);
	const width = 600;
	const row = 10;
	const x = (ms) => ((ms / end) * width).toFixed(1);
	const root = svg("svg", { viewBox: `0 0 ${width} ${rows.length * row + 16}`, role: "img", "aria-label": label, class: "waterfall-svg" });
	rows.forEach((r, i) => {
		const y = i * row;
		root.append(svg("rect", { x: x(r.asked), y, width: Math.max(0.5, x(r.sent) - x(r.asked)), height: row - 2, class: "waterfall-queued" }));
		root.append(svg("rect", { x: x(r.sent), y, width: Math.max(1, x(r.first) - x(r.sent)), height: row - 2, class: `waterfall-sent waterfall-c${connections.indexOf(r.connection) % 6}` }));
	});
	const axis = svg("text", { x: width, y: rows.length * row + 13, "text-anchor": "end", class: "waterfall-axis" });
	axis.textContent = `${Math.round(end)} ms`;
	root.append(axis);
	return root;
}

export async function runWaterfall(details) {
	const status = details.querySelector(".waterfall-summary");
	const button = details.querySelector("[data-waterfall-run]");
	const latency = Number(details.querySelector("input[name=waterfall-latency]:checked").value);
	const lane = details.querySelector("input[name=waterfall-lane]:checked").value;
	const origin = `https://${location.hostname}:${details.dataset[lane]}`;
	const name = lane === "h2" ? "HTTP/2" : "HTTP/1.1";
	button.disabled = true;
	status.textContent = `Sending ${REQUESTS} requests on the ${name} lane, ${latency} ms each…`;
	performance.setResourceTimingBufferSize(1000);
	const run = Math.random().toString(36).slice(2);
	const t0 = performance.now();
	try {
		const rows = await Promise.all(
			Array.from({ length: REQUESTS }, (_, i) => request(`${origin}/api/lab/ping?delay=${latency}&run=${run}&n=${i}`, t0)),
		);
		const connections = [...new Set(rows.map((r) => r.connection))];
		const last = Math.max(...rows.map((r) => r.first));
		const rounds = Math.max(1, Math.round(last / latency));
		const trips = latency ? `, about ${rounds} round trip${rounds === 1 ? "" : "s"} of ${latency} ms` : "";
		const summary = `${REQUESTS} requests on ${name} with ${latency} ms added: ${connections.length} TCP connection${connections.length === 1 ? "" : "s"}; the last answer began ${Math.round(last)} ms after the page asked${trips}.`;
		status.textContent = summary;
		details.querySelector(".waterfall-chart").replaceChildren(chart(rows, connections, summary));
		// For tests and the curious: the figures behind the chart.
		details.dataset.result = JSON.stringify({ latency, lane: name, connections: connections.length, rows });
	} catch {
		status.textContent = `Could not reach the ${name} lane at ${origin}: open the lab above first (its certificate must be trusted).`;
	} finally {
		button.disabled = false;
	}
}

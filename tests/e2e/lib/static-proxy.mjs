// Development stand-in for scratchd's own static serving: serves web/dist (SPA fallback to index.html)
// and passes /api, /healthz, /readyz, /metrics and /mcp through to a scratchd, streaming (SSE works).
// Usage: node static-proxy.mjs WEB_DIR UPSTREAM_URL PORT
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const [dir, upstream, port] = process.argv.slice(2);
const up = new URL(upstream);
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json", ".png": "image/png", ".woff2": "font/woff2" };
const passthrough = /^\/(api\/|mcp|healthz|readyz|metrics)/;

http
  .createServer((req, res) => {
    if (passthrough.test(req.url)) {
      const out = http.request(
        { host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host } },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        },
      );
      out.on("error", () => { res.writeHead(502); res.end(); });
      req.pipe(out);
      res.on("close", () => out.destroy());
      return;
    }
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(path.resolve(dir), path.normalize(rel));
    if (!file.startsWith(path.resolve(dir)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(dir, "index.html");
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  })
  .listen(Number(port), "127.0.0.1");

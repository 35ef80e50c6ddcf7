// Server-Sent Events over fetch(): EventSource cannot send the Authorization header, and the API
// takes the token only from it. Reconnects with Last-Event-ID, refreshing the token when it expired.
import { authedFetch } from "./client";

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export interface SseHandle {
  close(): void;
}

/** Parses an SSE byte stream into events (the WHATWG event-stream format). */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | null = null;
  constructor(private readonly emit: (e: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const len = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + len);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length) this.emit({ id: this.id, event: this.event || "message", data: this.data.join("\n") });
      this.data = [];
      this.event = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "data") this.data.push(value);
    else if (name === "event") this.event = value;
    else if (name === "id") this.id = value;
  }
}

export interface StreamOptions {
  /** The stream is finished after an event this returns true for: no reconnect once it has ended. */
  isFinal?: (e: SseEvent) => boolean;
}

export function openEventStream(
  path: string,
  onEvent: (e: SseEvent) => void,
  onState?: (connected: boolean) => void,
  options: StreamOptions = {},
): SseHandle {
  let closed = false;
  let lastId: string | null = null;
  let controller: AbortController | null = null;
  let delay = 500;

  const run = async () => {
    while (!closed) {
      controller = new AbortController();
      try {
        const headers: Record<string, string> = { accept: "text/event-stream" };
        if (lastId) headers["last-event-id"] = lastId;
        const res = await authedFetch(path, { headers, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
        onState?.(true);
        delay = 500;
        const parser = new SseParser((e) => {
          if (e.id) lastId = e.id;
          const final = options.isFinal?.(e) ?? false;
          if (final) closed = true;
          onEvent(e);
          if (final) controller?.abort();
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch {
        // fall through to the reconnect
      }
      onState?.(false);
      if (closed) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  };
  void run();
  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}

// Placeholder: the agent chat (with streamed tool progress) waits for the agent API.
export function AgentPanel() {
  return (
    <section className="agent-panel">
      <h2>Agent</h2>
      <article>
        <p>
          The agent chat will appear here: you ask, the agent reads your snapshot and suggests changes, and each
          tool call streams its progress. The server's agent API is not there yet.
        </p>
        <p className="muted">
          Meanwhile an agent can work through an <strong>agent token</strong> (a snapshot's page → Agents): it may
          read that snapshot and suggest; you accept or reject the suggestions in the grid.
        </p>
        <form aria-label="Agent chat (not available yet)">
          <fieldset role="group" disabled>
            <input placeholder="Ask the agent…" aria-label="Message" />
            <button type="submit">Send</button>
          </fieldset>
        </form>
      </article>
    </section>
  );
}

// The Lua contract (prose, limits) from the server, loaded when opened.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";

interface Contract {
  prose?: string;
  limits?: Record<string, unknown>;
  [k: string]: unknown;
}

export function ContractView() {
  const [open, setOpen] = useState(false);
  const contract = useQuery({
    queryKey: ["lua-contract"],
    enabled: open,
    queryFn: () => api<Contract>("/api/v1/custom-connectors/contract"),
  });
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Contract</summary>
      {contract.isLoading && <p aria-busy="true" />}
      {contract.data && (
        <pre className="contract">{typeof contract.data.prose === "string" ? contract.data.prose : JSON.stringify(contract.data, null, 2)}</pre>
      )}
    </details>
  );
}

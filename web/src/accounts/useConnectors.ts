import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { Account, ConnectorType, CustomConnector } from "../api/types";

export function useConnectorTypes() {
  return useQuery({
    queryKey: ["connectors"],
    queryFn: () => api<{ items: ConnectorType[] }>("/api/v1/connectors").then((r) => r.items),
  });
}

export function useAccounts() {
  return useQuery({
    queryKey: ["accounts"],
    queryFn: () => api<{ items: Account[] }>("/api/v1/connector-accounts").then((r) => r.items),
  });
}

export function useCustomConnectors() {
  return useQuery({
    queryKey: ["custom-connectors"],
    queryFn: () => api<{ items: CustomConnector[] }>("/api/v1/custom-connectors").then((r) => r.items),
  });
}

import { queryOptions } from "@tanstack/react-query";
import { api } from "../../api/client";

export const projectsQuery = () =>
  queryOptions({ queryKey: ["projects"], queryFn: api.projects, refetchInterval: 10_000 });

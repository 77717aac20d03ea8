import { REGISTRY_API, RegionList } from "../../protocol/index.ts";
import type { RegionDirectory } from "../regions/directory.ts";
import { route, type RouteDef } from "./route.ts";

export function regionRoutes(d: { regions: RegionDirectory; placedCounts: () => Promise<Map<string, number>> }): RouteDef[] {
  return [
    route({
      method: "GET",
      path: REGISTRY_API.regions,
      summary: "Every region with its status, admission, capacity and load; agents measure round trips to their probe URLs",
      tag: "regions",
      auth: "none",
      limit: "ip",
      response: RegionList,
      handler: async () => {
        const placed = await d.placedCounts();
        return { regions: d.regions.summaries((id) => placed.get(id) ?? 0) };
      },
    }),
  ];
}

/** The report page of report `id` of `project`. */
export function reportPath(project: string, id: string): string {
  return `/p/${encodeURIComponent(project)}/reports/${encodeURIComponent(id)}`;
}

// IAM pages with Marker / IsTruncated; every list call in src/aws follows them through this one loop.

export async function allPages<T>(page: (marker: string | undefined) => Promise<{items: T[]; IsTruncated?: boolean; Marker?: string}>): Promise<T[]> {
  const out: T[] = []
  let marker: string | undefined
  do {
    const r = await page(marker)
    out.push(...r.items)
    marker = r.IsTruncated ? r.Marker : undefined
  } while (marker)
  return out
}

import HearthProtos

/// Calls a list RPC page by page until `limit` items are in hand or the last page came, asking
/// each time for no more than is still wanted (at most 500, the services' page limit).
func collectPages<Item>(
    limit: Int,
    _ fetch: (_ page: Hearth_Common_V1_PageRequest) async throws -> (items: [Item], next: Hearth_Common_V1_PageResponse)
) async throws -> [Item] {
    var items: [Item] = []
    var page = Hearth_Common_V1_PageRequest()
    repeat {
        page.pageSize = Int32(min(500, limit - items.count))
        let answer = try await fetch(page)
        items += answer.items
        page.cursor = answer.next.nextCursor
    } while !page.cursor.isEmpty && items.count < limit
    return Array(items.prefix(limit))
}

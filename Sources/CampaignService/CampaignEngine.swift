import Foundation
import HearthDomain
import HearthRuntime
public import HearthStore
public import Logging
public import ServiceLifecycle

/// The campaign engine as a long-running service: walks every tenant, plans the messages that
/// came due and sends what the outbox holds, then rests while nothing is due. Several replicas
/// may run it at once; only the outbox's leases decide who sends what.
public struct CampaignEngine: Service {
    let planner: DeliveryPlanner
    let sender: DeliverySender
    let outbox: DeliveryOutbox
    let tenants: TenantStore
    let idleInterval: Duration
    let logger: Logger

    public init(
        planner: DeliveryPlanner, sender: DeliverySender, outbox: DeliveryOutbox, tenants: TenantStore,
        idleInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.planner = planner
        self.sender = sender
        self.outbox = outbox
        self.tenants = tenants
        self.idleInterval = idleInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var worked = false
                do {
                    worked = try await runOnce()
                } catch is CancellationError {
                    return
                } catch {
                    // The database or member-service is away: log, rest, try again.
                    logger.error("the campaign engine's pass failed", metadata: ["error": "\(error)"])
                }
                if !worked { try? await Task.sleep(for: idleInterval) }
            }
        }
    }

    /// One pass over every tenant; `true` when there was anything to do.
    public func runOnce() async throws -> Bool {
        var worked = false
        var depth = (pending: 0, held: 0)
        for tenant in try await outbox.tenants() {
            if try await planner.planDue(tenant: tenant) > 0 { worked = true }
            let zone = TimeZone(identifier: try await tenants.timeZone(of: tenant)) ?? .gmt
            while try await sender.sendBatch(tenant: tenant, timeZone: zone) > 0 {
                worked = true
                try Task.checkCancellation()
            }
            let waiting = try await outbox.depth(tenant: tenant)
            depth = (depth.pending + waiting.pending, depth.held + waiting.held)
        }
        HearthMetrics.recordOutboxDepth(pending: depth.pending, held: depth.held)
        return worked
    }
}

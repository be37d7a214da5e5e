import Foundation
import HearthDomain
import Testing

@Suite("Campaign status machine")
struct CampaignStatusTests {
    /// Every allowed move, and what it leads to.
    static let allowed: [CampaignStatus: [CampaignAction: CampaignStatus]] = [
        .draft: [.schedule: .scheduled, .cancel: .cancelled],
        .scheduled: [.launch: .running, .cancel: .cancelled],
        .running: [.pause: .paused, .complete: .completed, .cancel: .cancelled],
        .paused: [.resume: .running, .complete: .completed, .cancel: .cancelled],
        .completed: [:],
        .cancelled: [:],
    ]

    /// Every refused move, with the reason the operator reads.
    static let refused: [CampaignStatus: [CampaignAction: String]] = [
        .draft: [
            .launch: "a draft campaign cannot be launched yet; schedule it first so its occurrences are planned",
            .pause: "only a running campaign can be paused; this one is draft",
            .resume: "only a paused campaign can be resumed; this one is draft",
            .complete: "a draft campaign cannot be completed; it never ran. Cancel it (or delete it) instead",
        ],
        .scheduled: [
            .schedule: "the campaign is scheduled already; launch it, or cancel it",
            .pause: "only a running campaign can be paused; this one is scheduled",
            .resume: "only a paused campaign can be resumed; this one is scheduled",
            .complete: "a campaign that was never launched cannot be completed; cancel it instead",
        ],
        .running: [
            .schedule: "the campaign is running; it was scheduled already",
            .launch: "the campaign is running already",
            .resume: "the campaign is running, not paused; there is nothing to resume",
        ],
        .paused: [
            .schedule: "the campaign is paused; it was scheduled already. Resume it to go on",
            .launch: "a paused campaign is resumed, not launched again",
            .pause: "the campaign is paused already",
        ],
        .completed: [
            .schedule: "a completed campaign cannot be scheduled; create a new one",
            .launch: "a completed campaign cannot be launched; create a new one",
            .pause: "a completed campaign cannot be paused; create a new one",
            .resume: "a completed campaign cannot be resumed; create a new one",
            .complete: "the campaign is completed already",
            .cancel: "a completed campaign cannot be cancelled; it is over already",
        ],
        .cancelled: [
            .schedule: "a cancelled campaign cannot be scheduled; create a new one",
            .launch: "a cancelled campaign cannot be launched; create a new one",
            .pause: "a cancelled campaign cannot be paused; create a new one",
            .resume: "a cancelled campaign cannot be resumed; create a new one",
            .complete: "a cancelled campaign cannot be completed; create a new one",
            .cancel: "the campaign is cancelled already",
        ],
    ]

    @Test func everyMoveIsAllowedOrRefusedWithAReason() throws {
        var checked = 0
        for status in CampaignStatus.allCases {
            for action in CampaignAction.allCases {
                if let target = Self.allowed[status]?[action] {
                    #expect(try status.applying(action) == target, "\(status) \(action)")
                    #expect(Self.refused[status]?[action] == nil, "\(status) \(action) is in both tables")
                } else {
                    let error = #expect(throws: DomainError.self, "\(status) \(action)") { try status.applying(action) }
                    #expect(error?.code == .failedPrecondition)
                    #expect(error?.message == Self.refused[status]?[action], "\(status) \(action)")
                }
                checked += 1
            }
        }
        #expect(checked == 36)
    }

    @Test func allowedActionsFollowTheTable() {
        for status in CampaignStatus.allCases {
            let expected = CampaignAction.allCases.filter { Self.allowed[status]?[$0] != nil }
            #expect(status.allowedActions == expected, "\(status)")
        }
        #expect(CampaignStatus.completed.allowedActions.isEmpty)
        #expect(CampaignStatus.cancelled.allowedActions.isEmpty)
    }

    @Test func transitionToATargetPicksTheAction() throws {
        #expect(try CampaignStatus.draft.transition(to: .scheduled) == .scheduled)
        #expect(try CampaignStatus.scheduled.transition(to: .running) == .running)
        #expect(try CampaignStatus.running.transition(to: .paused) == .paused)
        #expect(try CampaignStatus.paused.transition(to: .running) == .running)
        #expect(try CampaignStatus.paused.transition(to: .completed) == .completed)
        #expect(try CampaignStatus.scheduled.transition(to: .cancelled) == .cancelled)
        let relaunch = #expect(throws: DomainError.self) { try CampaignStatus.cancelled.transition(to: .running) }
        #expect(relaunch?.message == "a cancelled campaign cannot be launched; create a new one")
        #expect(relaunch?.code == .failedPrecondition)
        let skip = #expect(throws: DomainError.self) { try CampaignStatus.draft.transition(to: .running) }
        #expect(skip?.message.contains("schedule it first") == true)
        for status in CampaignStatus.allCases {
            let back = #expect(throws: DomainError.self) { try status.transition(to: .draft) }
            #expect(back?.message.contains("never goes back to draft") == true)
        }
    }

    @Test func onlyARunningCampaignSendsAndTheEndsAreFinal() {
        #expect(CampaignStatus.allCases.filter(\.sendsMessages) == [.running])
        #expect(CampaignStatus.allCases.filter(\.isTerminal) == [.completed, .cancelled])
        #expect(CampaignStatus.illegalTransitionReason == "illegal_transition")
        #expect(CampaignStatus(rawValue: "paused") == .paused)
        #expect(CampaignKind(rawValue: "recurring_activity") == .recurringActivity)
        #expect(CampaignKind.allCases.count == 8)
    }

    // MARK: The campaign

    func campaign(status: CampaignStatus = .draft) -> Campaign {
        Campaign(tenantID: TenantID(), name: "周四会员日", kind: .recurringActivity, status: status, channels: [.im, .log])
    }

    @Test func applyingKeepsTheReasonAndCancellingNeedsOne() throws {
        var running = campaign(status: .running)
        try running.apply(.pause, reason: "  supplier out of stock ")
        #expect(running.status == .paused)
        #expect(running.statusReason == "supplier out of stock")
        try running.apply(.resume)
        #expect(running.status == .running)
        #expect(running.statusReason == nil)
        let silent = #expect(throws: DomainError.self) { try running.apply(.cancel, reason: " ") }
        #expect(silent?.code == .invalidArgument)
        #expect(running.status == .running)
        try running.apply(.cancel, reason: "merged into the Double 11 campaign")
        #expect(running.status == .cancelled)
        #expect(running.statusReason == "merged into the Double 11 campaign")
        // The state is checked before the reason: the operator learns the real problem first.
        let again = #expect(throws: DomainError.self) { try running.apply(.cancel) }
        #expect(again?.code == .failedPrecondition)
        #expect(again?.message == "the campaign is cancelled already")
    }

    @Test func aCampaignIsCheckedAsAWhole() throws {
        var valid = campaign()
        valid.goal = CampaignGoal(revenueFen: 30_000_000)
        valid.period = CampaignPeriod(start: utc(2026, 11, 1, 0), end: utc(2026, 12, 1, 0))
        valid.schedule = try CampaignSchedule(
            .weekly(days: [.thursday], at: LocalTime(hour: 19)), duration: .seconds(7_200))
        valid.messages = [PhaseMessage(phase: .live, timing: .offset(.zero), text: "开始了", channels: [.im])]
        try valid.validate()
        try valid.checkSchedulable()

        var unnamed = valid
        unnamed.name = "  "
        #expect(throws: DomainError.self) { try unnamed.validate() }

        var wrongChannel = valid
        wrongChannel.messages.append(PhaseMessage(phase: .review, timing: .offset(.zero), text: "谢谢", channels: [.sms]))
        let channel = #expect(throws: DomainError.self) { try wrongChannel.validate() }
        #expect(
            channel?.message == "messages[1] goes out on sms, which is not one of the campaign's channels (im, log)")

        var badMessage = valid
        badMessage.messages.append(PhaseMessage(phase: .announce, timing: .offset(.seconds(60)), text: "late"))
        let message = #expect(throws: DomainError.self) { try badMessage.validate() }
        #expect(message?.message.hasPrefix("messages[1]: an announcement goes out before the start") == true)

        var outside = valid
        outside.schedule = CampaignSchedule(.once(at: utc(2027, 1, 1, 0)), duration: .seconds(60))
        #expect(throws: DomainError.self) { try outside.validate() }

        var noPeriod = valid
        noPeriod.period = nil
        let schedulable = #expect(throws: DomainError.self) { try noPeriod.checkSchedulable() }
        #expect(schedulable?.code == .failedPrecondition)
        var noSchedule = valid
        noSchedule.schedule = nil
        #expect(throws: DomainError.self) { try noSchedule.checkSchedulable() }
    }

    @Test func goalsNameATargetAboveZero() throws {
        try CampaignGoal(revenueFen: 30_000_000).validate()
        try CampaignGoal(participants: 200).validate()
        try CampaignGoal(revenueFen: 1, participants: 1).validate()
        let empty = #expect(throws: DomainError.self) { try CampaignGoal().validate() }
        #expect(empty?.message == "a goal needs a revenue (in fen), a number of participants, or both")
        let negative = #expect(throws: DomainError.self) { try CampaignGoal(revenueFen: -100).validate() }
        #expect(negative?.message == "a revenue goal must be above zero, not -1.00 CNY")
        #expect(throws: DomainError.self) { try CampaignGoal(participants: 0).validate() }
        #expect(CampaignGoal(revenueFen: 30_000_000).revenueProgress(achievedFen: 7_500_000) == 0.25)
        #expect(CampaignGoal(revenueFen: 30_000_000).participantsProgress(achieved: 3) == nil)

        let period = CampaignPeriod(start: utc(2026, 11, 1, 0), end: utc(2026, 12, 1, 0))
        try period.validate()
        #expect(period.elapsedFraction(at: utc(2026, 11, 16, 0)) == 0.5)
        #expect(period.elapsedFraction(at: utc(2027, 1, 1, 0)) == 1)
        #expect(period.contains(utc(2026, 11, 1, 0)))
        #expect(!period.contains(utc(2026, 12, 1, 0)))
        #expect(throws: DomainError.self) { try CampaignPeriod(start: period.end, end: period.start).validate() }
    }
}

/// What a reader of stored records straight into a replay's plan (`IssuanceReading`, `GrantReading`,
/// `RegistrationReading`) did with one record.
enum PlanReading: Equatable {
    /// Added to the plan: when the record was recorded (microseconds since 1970).
    case added(recordedAt: Int64)
    /// Of the reader's kind, but nothing of it belongs to the replay's pass (`ReplayShare`): nothing added.
    case passed
    /// Not of the reader's kind: nothing added.
    case other
}

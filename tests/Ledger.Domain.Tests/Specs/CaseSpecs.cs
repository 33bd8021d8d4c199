namespace Ledger.Domain.Tests.Specs;

/// <summary>
/// The enforcement case, specified command by command: one partial file per command (or per closely related group).
/// </summary>
public sealed partial class CaseSpecs : CaseSpecification;

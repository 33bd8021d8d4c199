namespace Ledger.Domain.Tests;

public sealed class EvolveTests
{
    [Fact]
    public void EvolveHandlesEveryEventType()
    {
        // C# cannot check a closed hierarchy's switch for exhaustiveness, so every type is applied here.
        var state = CaseState.Initial;
        foreach (var e in Samples.EveryEventType)
            state = Should.NotThrow(() => CaseModel.Evolve(state, e), e.GetType().Name);
        state.Version.ShouldBe(Samples.EveryEventType.Count);
    }

    [Fact]
    public void EachEventAdvancesTheVersionByOne() =>
        CaseModel.Replay(Samples.DecidedAndServed()).Version.ShouldBe(Samples.DecidedAndServed().Length);
}

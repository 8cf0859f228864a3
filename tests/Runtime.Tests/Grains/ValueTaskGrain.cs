using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests.Grains;

public interface IValueTaskGrain : IGrainWithIntegerKey
{
    ValueTask<int> Add(int amount);

    ValueTask<int> AddAfterGate(int amount, string label);

    ValueTask Reset();
}

public sealed class ValueTaskGrain(Gates gates) : Grain, IValueTaskGrain
{
    private int _total;

    public ValueTask<int> Add(int amount) => ValueTask.FromResult(_total += amount);

    public async ValueTask<int> AddAfterGate(int amount, string label)
    {
        await gates.Pass(label);
        return _total += amount;
    }

    public ValueTask Reset()
    {
        _total = 0;
        return ValueTask.CompletedTask;
    }
}

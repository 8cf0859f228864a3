using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PriceIngest.Runtime.Tests.Grains;
using PriceIngest.Runtime.Tests.Infrastructure;

namespace PriceIngest.Runtime.Tests;

public interface INotATaskGrain : IGrainWithIntegerKey
{
    Task<int> Fine();

    int NotATask();
}

public sealed class NotATaskGrain : Grain, INotATaskGrain
{
    public Task<int> Fine() => Task.FromResult(1);

    public int NotATask() => 1;
}

public interface IRefParameterGrain : IGrainWithIntegerKey
{
    Task Update(ref int value);
}

public sealed class RefParameterGrain : Grain, IRefParameterGrain
{
    public Task Update(ref int value) => Task.CompletedTask;
}

public interface IPropertyGrain : IGrainWithIntegerKey
{
    Task<int> Value { get; }
}

public sealed class PropertyGrain : Grain, IPropertyGrain
{
    public Task<int> Value => Task.FromResult(1);
}

public interface IUnregisteredGrain : IGrainWithIntegerKey
{
    Task Ping();
}

public sealed class RegistrationTests
{
    [Fact]
    public void AddGrain_rejects_methods_that_do_not_return_a_task()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGrain<INotATaskGrain, NotATaskGrain>());

        Assert.Contains("NotATask returns Int32", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Fine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGrain_rejects_ref_parameters_and_properties()
    {
        Assert.Contains("ref", Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGrain<IRefParameterGrain, RefParameterGrain>()).Message, StringComparison.Ordinal);
        Assert.Contains("accessor", Assert.Throws<ArgumentException>(() => new ServiceCollection().AddGrain<IPropertyGrain, PropertyGrain>()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGrain_rejects_a_second_class_for_the_same_interface()
    {
        var services = new ServiceCollection().AddGrain<ICounterGrain, CounterGrain>();

        Assert.Throws<InvalidOperationException>(() => services.AddGrain<ICounterGrain, CounterGrain>());
    }

    [Fact]
    public async Task Unregistered_grain_interface_fails_with_a_clear_error()
    {
        await using var silo = await TestSilo.StartAsync(startHost: false);

        var error = Assert.Throws<InvalidOperationException>(() => silo.Factory.GetGrain<IUnregisteredGrain>(1));

        Assert.Contains("AddGrain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_fail_validation()
    {
        using var services = TestSilo.CreateServices(o =>
        {
            o.IdleAge = TimeSpan.Zero;
            o.MaxActiveGrains = 0;
        }, new CapturingLoggerProvider()).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IGrainFactory>());

        Assert.Contains(error.Failures, f => f.Contains("IdleAge", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxActiveGrains", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_have_documented_defaults_and_bind_from_the_Grains_section_before_code()
    {
        var defaults = new GrainRuntimeOptions();
        Assert.Equal(TimeSpan.FromMinutes(10), defaults.IdleAge);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.CollectionInterval);
        Assert.Equal(100_000, defaults.MaxActiveGrains);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.DeactivationTimeout);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Grains:IdleAge"] = "00:00:05",
            ["Grains:MaxActiveGrains"] = "42",
            ["Grains:CollectionInterval"] = "00:00:07",
        }).Build();
        var collection = TestSilo.CreateServices(o => o.CollectionInterval = TimeSpan.FromSeconds(1), new CapturingLoggerProvider());
        collection.AddSingleton<IConfiguration>(configuration);
        using var services = collection.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<GrainRuntimeOptions>>().Value;

        Assert.Equal(GrainRuntimeOptions.SectionName, "Grains");
        Assert.Equal(TimeSpan.FromSeconds(5), options.IdleAge);
        Assert.Equal(42, options.MaxActiveGrains);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CollectionInterval); // code wins over configuration
        Assert.Equal(TimeSpan.FromSeconds(30), options.DeactivationTimeout);
    }
}

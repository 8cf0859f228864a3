using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PriceIngest.Runtime;

// Binds the "Grains" section when the container has an IConfiguration (a host always has one; a bare
// ServiceCollection in tests does not, and BindConfiguration would then fail to resolve it).
internal sealed class GrainRuntimeOptionsSetup(IConfiguration? configuration = null) : IConfigureOptions<GrainRuntimeOptions>
{
    public void Configure(GrainRuntimeOptions options) => configuration?.GetSection(GrainRuntimeOptions.SectionName).Bind(options);
}

using PriceIngest.Cli;

return await CliApp.RunAsync(args, CliConsole.FromSystem());

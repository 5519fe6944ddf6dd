using StabilityMonitor.Server;

// With no configuration: embedded MQTT broker, simulated ward, HTTP on http://127.0.0.1:5080 (see README "Live server").
var app = StabilityServer.Build(args);
await app.RunAsync();

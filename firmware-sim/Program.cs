using StabilityMonitor.FirmwareSim.Commands;

return FirmwareSimCommand.Create().Parse(args).Invoke();

using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Devices;

namespace StabilityMonitor.Server.Demo;

/// <summary>
/// First thing at start: migrates the store, creates the global admin from <c>Auth:AdminPassword</c>, seeds the demo
/// (facility, residents wearing the simulated wearables, caregiver <c>demo</c>), and loads the device registry, so
/// that the broker and the pipeline know every wearable before the first frame.
/// </summary>
internal sealed class StoreBootstrapService : IHostedService
{
    private static readonly string[] s_residentNames =
    [
        "Margaret Ellis", "Arthur Bennett", "Doris Whitfield", "Harold Price", "Edith Carter", "Walter Hughes",
        "Irene Foster", "Stanley Moore", "Gladys Turner", "Cyril Ward", "Mabel Reid", "Norman Shaw",
    ];

    private readonly CareDbFactory _db;
    private readonly StoreOptions _store;
    private readonly AccessService _access;
    private readonly CareAdmin _admin;
    private readonly StoreDeviceRegistry _registry;
    private readonly WardCredentials _wardCredentials;
    private readonly DemoOptions _demo;
    private readonly WardOptions _ward;
    private readonly bool _demoOn;
    private readonly Mqtt.MqttOptions _mqtt;
    private readonly ILogger _logger;

    public StoreBootstrapService(
        CareDbFactory db,
        IOptions<StoreOptions> store,
        AccessService access,
        CareAdmin admin,
        StoreDeviceRegistry registry,
        WardCredentials wardCredentials,
        IOptions<DemoOptions> demo,
        IOptions<WardOptions> ward,
        IConfiguration configuration,
        IOptions<Mqtt.MqttOptions> mqtt,
        ILogger<StoreBootstrapService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(demo);
        ArgumentNullException.ThrowIfNull(ward);
        _db = db;
        _store = store.Value;
        _access = access;
        _admin = admin;
        _registry = registry;
        _wardCredentials = wardCredentials;
        _demo = demo.Value;
        _ward = ward.Value;
        _demoOn = DemoOptions.IsOn(configuration);
        ArgumentNullException.ThrowIfNull(mqtt);
        _mqtt = mqtt.Value;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var adminPassword = _access.Options.AdminPassword;
        if (!_demoOn && string.IsNullOrEmpty(adminPassword))
        {
            throw new InvalidOperationException(
                "Auth:AdminPassword is required outside the demo (with an external broker, Mqtt:Url set): set it (environment "
                + "variable Auth__AdminPassword, from a secret store) to create the global admin 'admin'. No default password is accepted.");
        }

        if (!string.IsNullOrEmpty(adminPassword) && _access.CheckPassword(adminPassword) is { } weak)
        {
            throw new InvalidOperationException($"Auth:AdminPassword is too weak. {weak}");
        }

        if (_store.MigrateOnStart)
        {
            await _db.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        ServerLog.StoreReady(_logger, _db.Provider, Describe(_db.ConnectionString));
        if (!string.IsNullOrEmpty(adminPassword))
        {
            await _access.EnsureUserAsync(AccessService.AdminUserName, adminPassword, Roles.Admin, null, cancellationToken).ConfigureAwait(false);
        }

        if (_demoOn)
        {
            await SeedDemoAsync(cancellationToken).ConfigureAwait(false);
        }

        await _registry.RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Describe(string connectionString)
    {
        // Never print a password: keep only the parts that say where the data is.
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(static p => !p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase));
        return string.Join(';', parts);
    }

    private async Task SeedDemoAsync(CancellationToken cancellationToken)
    {
        var facility = await _admin.FindFacilityByNameAsync(_demo.FacilityName, cancellationToken).ConfigureAwait(false)
            ?? await _admin.CreateFacilityAsync(_demo.FacilityName, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The demo facility could not be created.");
        var residents = await _admin.ListResidentsAsync(facility.Id, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _ward.Devices; i++)
        {
            var deviceId = $"{_ward.DeviceIdPrefix}{i + 1:00}";
            var name = s_residentNames[i % s_residentNames.Length] + (i >= s_residentNames.Length ? $" {(i / s_residentNames.Length) + 1}" : string.Empty);
            var resident = residents.FirstOrDefault(r => r.Name == name)
                ?? await _admin.CreateResidentAsync(facility.Id, name, $"{101 + i}", "Demo resident (simulated wearable).", cancellationToken).ConfigureAwait(false);

            // A new password each start: the old one is not kept anywhere the ward could read it back.
            var credentials = await _admin.AssignAsync(deviceId, resident, "demo-seed", cancellationToken).ConfigureAwait(false);
            _wardCredentials.Set(deviceId, credentials.Password);
        }

        var password = string.IsNullOrEmpty(_demo.Password) ? NewDemoPassword() : _demo.Password;
        await _access.EnsureUserAsync("demo", password, Roles.Caregiver, facility.Id, cancellationToken).ConfigureAwait(false);
        ServerLog.DemoSeeded(_logger, _demo.FacilityName, _ward.Devices);

        // The one line a newcomer needs: printed whatever the log level.
        Console.WriteLine($"Demo login: user 'demo', password '{password}' (facility '{_demo.FacilityName}')");
        if (_mqtt.UsesEmbeddedBroker && !string.IsNullOrEmpty(_mqtt.EmbeddedGatewayPassword))
        {
            Console.WriteLine($"Simulators and replays: broker user '{_mqtt.EmbeddedGatewayUsername}', password '{_mqtt.EmbeddedGatewayPassword}' (firmware-sim --username {_mqtt.EmbeddedGatewayUsername} --password ...)");
        }
    }

    private static string NewDemoPassword()
    {
        const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        return string.Create(12, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Access;

/// <summary>People and machines: sign-in with lockout, users, API keys, the bootstrap admin.</summary>
public sealed class AccessService
{
    public const string AdminUserName = "admin";
    private const string ApiKeyPrefix = "smk_";

    private readonly CareDbFactory _db;
    private readonly TimeProvider _time;
    private readonly AccessOptions _options;
    private readonly IPasswordHasher<User> _hasher;
    private readonly ILogger _logger;
    private readonly string _dummyHash;

    public AccessService(CareDbFactory db, TimeProvider time, IOptions<AccessOptions> options, ILogger<AccessService> logger, IPasswordHasher<User>? hasher = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hasher = hasher ?? new PasswordHasher<User>();
        _db = db;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _dummyHash = _hasher.HashPassword(new User { UserName = "-", Role = Roles.Caregiver, PasswordHash = "-" }, Guid.NewGuid().ToString());
    }

    public AccessOptions Options => _options;

    /// <summary>Checks a password; counts failures and locks the account after too many in a row.</summary>
    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (user is null)
        {
            // Same work as a real check, so the answer's timing does not tell which user names exist.
            _hasher.VerifyHashedPassword(new User { UserName = userName, Role = Roles.Caregiver, PasswordHash = _dummyHash }, _dummyHash, password);
            AccessLog.SignInFailed(_logger, userName, "unknown user");
            return new SignInResult(SignInStatus.Invalid);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            AccessLog.SignInFailed(_logger, userName, "locked out");
            return new SignInResult(SignInStatus.LockedOut);
        }

        var verdict = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= _options.MaxFailedSignIns)
            {
                user.LockedUntil = now + _options.LockoutDuration;
                user.FailedSignIns = 0;
                AccessLog.LockedOut(_logger, userName, _options.LockoutDuration);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            AccessLog.SignInFailed(_logger, userName, "wrong password");
            return new SignInResult(SignInStatus.Invalid);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = _hasher.HashPassword(user, password);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new SignInResult(SignInStatus.Success, user);
    }

    /// <summary>Why a password is not acceptable, or null.</summary>
    public string? CheckPassword(string? password) =>
        string.IsNullOrEmpty(password) || password.Length < _options.MinPasswordLength
            ? $"The password must have at least {_options.MinPasswordLength} characters."
            : null;

    /// <summary>Creates a user; null when the name is taken.</summary>
    public async Task<User?> CreateUserAsync(string userName, string password, string role, Guid? facilityId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        if (await db.Users.AnyAsync(u => u.UserName == userName, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var user = new User { Id = Guid.NewGuid(), UserName = userName, Role = role, FacilityId = facilityId, PasswordHash = string.Empty, CreatedAt = _time.GetUtcNow() };
        user.PasswordHash = _hasher.HashPassword(user, password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            return null;
        }

        return user;
    }

    /// <summary>Creates the user or sets its password, role and facility (bootstrap and demo seeding).</summary>
    public async Task<User> EnsureUserAsync(string userName, string password, string role, Guid? facilityId, CancellationToken cancellationToken)
    {
        try
        {
            return await EnsureUserOnceAsync(userName, password, role, facilityId, cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another server on the same store created it between the read and the insert (nodes of a cluster starting
            // together): the second try finds it and updates it.
            return await EnsureUserOnceAsync(userName, password, role, facilityId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<User> EnsureUserOnceAsync(string userName, string password, string role, Guid? facilityId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            user = new User { Id = Guid.NewGuid(), UserName = userName, Role = role, PasswordHash = string.Empty, CreatedAt = _time.GetUtcNow() };
            db.Users.Add(user);
        }

        user.Role = role;
        user.FacilityId = facilityId;
        user.PasswordHash = _hasher.HashPassword(user, password);
        user.FailedSignIns = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <summary>Creates an API key for a facility; the key is returned once and only its hash is kept.</summary>
    public async Task<(ApiKey Entity, string Key)> CreateApiKeyAsync(Guid facilityId, string? name, string createdBy, CancellationToken cancellationToken)
    {
        var key = Secrets.NewToken(ApiKeyPrefix);
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            FacilityId = facilityId,
            KeyHash = Secrets.Sha256Hex(key),
            Prefix = key[..12],
            Name = name,
            CreatedBy = createdBy,
            CreatedAt = _time.GetUtcNow(),
        };
        await using var db = _db.Create();
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return (entity, key);
    }

    /// <summary>The facility and prefix of a valid, unrevoked key, or null.</summary>
    public async Task<ApiKey?> FindApiKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || !key.StartsWith(ApiKeyPrefix, StringComparison.Ordinal) || key.Length > 100)
        {
            return null;
        }

        var hash = Secrets.Sha256Hex(key);
        await using var db = _db.Create();
        return await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, cancellationToken).ConfigureAwait(false);
    }
}

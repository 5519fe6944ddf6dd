using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Tests.Documented;

/// <summary>
/// docs/alerts.md: a sign-in with an unknown user name costs the same password hashing as a wrong password for a real
/// one, so the answer's timing does not tell which user names exist. Counted, not timed: every sign-in that is not
/// locked out verifies exactly one hash.
/// </summary>
public sealed class SignInWorkTests(SqliteStores stores) : IClassFixture<SqliteStores>
{
    [Fact]
    public async Task UnknownUser_VerifiesOneHashLikeAWrongPassword()
    {
        var db = await stores.CreateAsync();
        var hasher = new CountingHasher();
        var access = new AccessService(db, TimeProvider.System, Options.Create(new AccessOptions()), NullLogger<AccessService>.Instance, hasher);
        Assert.NotNull(await access.CreateUserAsync("carer-a", "a long enough password", Roles.Caregiver, null, default));

        var before = hasher.Verifications;
        Assert.Equal(SignInStatus.Invalid, (await access.SignInAsync("nobody-here", "whatever it is", default)).Status);
        var unknown = hasher.Verifications - before;

        before = hasher.Verifications;
        Assert.Equal(SignInStatus.Invalid, (await access.SignInAsync("carer-a", "the wrong password", default)).Status);
        var wrong = hasher.Verifications - before;

        Assert.Equal((1, 1), (unknown, wrong));
        Assert.Equal(SignInStatus.Success, (await access.SignInAsync("carer-a", "a long enough password", default)).Status);
    }

    private sealed class CountingHasher : IPasswordHasher<User>
    {
        private readonly PasswordHasher<User> _inner = new();

        public int Verifications { get; private set; }

        public string HashPassword(User user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace StabilityMonitor.Dashboard;

/// <summary>Serves the caregiver page (the npm bundle embedded in this assembly) at <c>/</c>.</summary>
public static class DashboardPage
{
    /// <summary>Embedded resource names of the bundle start with this (then the file name: <c>app.js</c>).</summary>
    internal const string ResourcePrefix = "StabilityMonitor.Dashboard.wwwroot";

    /// <summary>
    /// Serves <c>/</c> (index.html), <c>/app.js</c> and <c>/app.css</c> to anyone: the page itself holds no data and
    /// signs in through the API. Call before authentication. Files are revalidated on every load (<c>no-cache</c>,
    /// ETag), so a new server's page is picked up at once.
    /// </summary>
    public static IApplicationBuilder UseDashboardPage(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = new EmbeddedFileProvider(typeof(DashboardPage).Assembly, ResourcePrefix);
        return app.UseFileServer(new FileServerOptions
        {
            FileProvider = files,
            EnableDefaultFiles = true,
            StaticFileOptions =
            {
                OnPrepareResponse = static context =>
                {
                    var headers = context.Context.Response.Headers;
                    headers[HeaderNames.CacheControl] = "no-cache";
                    headers[HeaderNames.XContentTypeOptions] = "nosniff";
                    headers[HeaderNames.XFrameOptions] = "DENY";
                },
            },
        });
    }
}

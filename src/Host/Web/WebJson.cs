using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace CaptureChain.Host.Web;

/// <summary>JSON of the HTTP API: snake_case names, accents kept readable, nulls written; errors as <c>{"error", "message"}</c>.</summary>
public static class WebJson
{
    /// <summary>The serializer options of every API answer.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>A JSON answer.</summary>
    public static IResult Ok(object value, int status = StatusCodes.Status200OK) => Results.Json(value, Options, statusCode: status);

    /// <summary>An error answer with a machine-readable code and a French message.</summary>
    public static IResult Error(int status, string code, string message) =>
        Results.Json(new ApiError(code, message), Options, statusCode: status);

    /// <summary>Writes an error directly (from authentication events, outside endpoint results).</summary>
    public static Task WriteErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ApiError(code, message), Options);
    }

    /// <summary>The body of an error answer.</summary>
    public sealed record ApiError(string Error, string Message);
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// A JSON value with the line and column it starts at, so that validation errors can point into the file.
/// <see cref="System.Text.Json.JsonDocument"/> drops positions; this keeps them (comments and trailing commas allowed).
/// </summary>
internal sealed class PositionedJson
{
    private PositionedJson(JsonValueKind kind, int line, int column)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public JsonValueKind Kind { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>String value, or the raw text of a number.</summary>
    public string? Text { get; private set; }

    public double Number { get; private set; }

    /// <summary>Object members in file order (a name may repeat; the parser reports that).</summary>
    public List<(string Name, PositionedJson Value, int Line, int Column)> Members { get; } = [];

    public List<PositionedJson> Items { get; } = [];

    public string Describe() => Kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Text}\"",
        JsonValueKind.Number => $"the number {Text}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    /// <summary>Parses <paramref name="utf8"/>; a syntax error comes back as <paramref name="error"/> with its position.</summary>
    public static PositionedJson? Parse(ReadOnlySpan<byte> utf8, out ScenarioError? error)
    {
        error = null;
        var lines = LineStarts(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
        try
        {
            if (!reader.Read())
            {
                error = new ScenarioError(1, 1, "$", "the file is empty; expected a JSON object");
                return null;
            }

            var root = ReadValue(ref reader, lines, utf8);
            if (reader.Read())
            {
                var (line, column) = Position(lines, utf8, reader.TokenStartIndex);
                error = new ScenarioError(line, column, "$", "unexpected data after the end of the scenario object");
                return null;
            }

            return root;
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut].TrimEnd('.', ' ');
            }

            error = new ScenarioError((int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, "$", "invalid JSON: " + message);
            return null;
        }
    }

    private static PositionedJson ReadValue(ref Utf8JsonReader reader, List<int> lines, ReadOnlySpan<byte> utf8)
    {
        var (line, column) = Position(lines, utf8, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var node = new PositionedJson(JsonValueKind.Object, line, column);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var (nameLine, nameColumn) = Position(lines, utf8, reader.TokenStartIndex);
                    var name = reader.GetString() ?? string.Empty;
                    reader.Read();
                    node.Members.Add((name, ReadValue(ref reader, lines, utf8), nameLine, nameColumn));
                }

                return node;
            }

            case JsonTokenType.StartArray:
            {
                var node = new PositionedJson(JsonValueKind.Array, line, column);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    node.Items.Add(ReadValue(ref reader, lines, utf8));
                }

                return node;
            }

            case JsonTokenType.String:
                return new PositionedJson(JsonValueKind.String, line, column) { Text = reader.GetString() };

            case JsonTokenType.Number:
            {
                var text = Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray());
                return new PositionedJson(JsonValueKind.Number, line, column)
                {
                    Text = text,
                    Number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                };
            }

            case JsonTokenType.True:
                return new PositionedJson(JsonValueKind.True, line, column);
            case JsonTokenType.False:
                return new PositionedJson(JsonValueKind.False, line, column);
            default:
                return new PositionedJson(JsonValueKind.Null, line, column);
        }
    }

    private static List<int> LineStarts(ReadOnlySpan<byte> utf8)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static (int Line, int Column) Position(List<int> lines, ReadOnlySpan<byte> utf8, long offset)
    {
        var index = lines.BinarySearch((int)offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        // Columns count characters, not bytes.
        var start = lines[index];
        var column = Encoding.UTF8.GetCharCount(utf8[start..(int)offset]) + 1;
        return (index + 1, column);
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NodaTime;

namespace Ledger.Domain.Typical;

/// <summary>An edition's artefacts as published: a printable HTML page, Markdown and JSON, each exact to the byte.</summary>
public sealed record RenderedDocuments(string Html, string Markdown, string Json)
{
    /// <summary>The formats in the order they are listed.</summary>
    public static readonly IReadOnlyList<(string Format, string MediaType)> Formats =
        [("html", "text/html; charset=utf-8"), ("markdown", "text/markdown; charset=utf-8"), ("json", "application/json; charset=utf-8")];

    /// <summary>The text of <paramref name="format"/>.</summary>
    public string Of(string format) => format switch
    {
        "html" => Html,
        "markdown" => Markdown,
        "json" => Json,
        _ => throw new DomainRuleViolation("format", $"'{format}' is not a published format; use html, markdown or json"),
    };

    /// <summary>Each artefact's SHA-256 over its UTF-8 bytes, as the publication event records it.</summary>
    public IReadOnlyList<PublishedDocument> Describe() =>
        [.. Formats.Select(f =>
        {
            var bytes = Encoding.UTF8.GetBytes(Of(f.Format));
            return new PublishedDocument(f.Format, f.MediaType, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        })];
}

/// <summary>
/// Renders a selection as the official structure of a typical-case list: the heading
/// ("内蒙古自治区2020年度知识产权保护十大典型案例"), the issuing bureau and date, then for each case in rank order
/// 案例一… with its title and the sections 【案情简介】, 【处理结果】 and 【典型意义】; a shorter list says why, and a
/// corrected edition says what it corrects. The output depends only on the selection and the publication date, so an
/// auditor can render an edition again from the event stream and compare it with the recorded hash.
/// </summary>
public static class TypicalCasesDocument
{
    /// <summary>Edition <paramref name="edition"/> of the selection as it stands, dated <paramref name="publishedOn"/>.</summary>
    public static RenderedDocuments Render(SelectionState state, int edition, LocalDate publishedOn)
    {
        var page = PageOf(state, edition, publishedOn);
        return new RenderedDocuments(Html(page), Markdown(page), Json(page));
    }

    /// <summary>What an edition says, before it is given a format.</summary>
    private sealed record Page(
        string Heading, string Issuer, string Date, RegionCode Region, int Year, int Edition, LocalDate PublishedOn,
        string? Shortfall, IReadOnlyList<string> Corrections, IReadOnlyList<(int Rank, string CaseId, CaseText Text)> Cases);

    private static Page PageOf(SelectionState state, int edition, LocalDate publishedOn)
    {
        var region = state.Region ?? throw new InvalidOperationException("the selection is not open");
        var cases = state.Entries.Select((x, i) => (i + 1, x.CaseId, x.Text ?? throw new InvalidOperationException($"case {x.CaseId} has no text"))).ToList();
        var place = Redaction.PublishedPlace(region);
        var heading = cases.Count == TypicalSelectionModel.ListSize
            ? $"{place}{state.Year}年度知识产权保护十大典型案例"
            : $"{place}{state.Year}年度知识产权保护典型案例";
        var shortfall = state.Approval?.ShortfallReason is { } reason ? $"本年度发布典型案例{Numeral(cases.Count)}件。{Sentence(reason)}" : null;
        var corrections = new List<string>();
        if (edition > 1 && state.Editions.Count >= edition - 1)
        {
            var previous = state.Editions[edition - 2];
            corrections.Add($"本版为第{edition}版，更正{CaseNarrative.Date(previous.On)}发布的第{previous.Edition}版。");
            foreach (var withdrawal in state.Withdrawals.Where(w => w.Edition == previous.Edition))
            {
                var rank = previous.Entries.ToList().FindIndex(x => x.CaseId == withdrawal.CaseId) + 1;
                var title = previous.Entries[rank - 1].Text!.Title;
                corrections.Add($"第{previous.Edition}版案例{Numeral(rank)}（{title}）因{Clause(withdrawal.Reason)}，已于{CaseNarrative.Date(withdrawal.On)}撤回。");
            }
        }
        return new Page(heading, $"{region.BureauName}（知识产权局）", CaseNarrative.Date(publishedOn), region, state.Year, edition, publishedOn,
            shortfall, corrections, cases);
    }

    private static string Html(Page page)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append($"<title>{E(page.Heading)}</title>\n")
            .Append("<style>\n")
            .Append("@page { size: A4; margin: 2.5cm 2.2cm; }\n")
            .Append("body { font-family: \"FangSong\", \"STFangsong\", \"Noto Serif CJK SC\", serif; font-size: 16pt; line-height: 1.8; max-width: 42em; margin: 2em auto; color: #000; }\n")
            .Append("h1 { font-family: \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", serif; font-size: 22pt; text-align: center; font-weight: bold; margin: 0 0 0.6em; }\n")
            .Append(".issuer, .date { text-align: center; margin: 0; }\n")
            .Append(".note { text-indent: 2em; margin: 1em 0; }\n")
            .Append("h2 { font-family: \"SimHei\", \"Heiti SC\", \"Noto Sans CJK SC\", sans-serif; font-size: 16pt; margin: 1.6em 0 0.4em; }\n")
            .Append("h3 { font-family: \"KaiTi\", \"STKaiti\", serif; font-size: 16pt; font-weight: normal; margin: 0.6em 0 0.2em; }\n")
            .Append("section.case p { text-indent: 2em; margin: 0; text-align: justify; }\n")
            .Append("@media print { body { margin: 0; max-width: none; } section.case { break-before: auto; } h2, h3 { break-after: avoid; } }\n")
            .Append("</style>\n</head>\n<body>\n<header>\n")
            .Append($"<h1>{E(page.Heading)}</h1>\n")
            .Append($"<p class=\"issuer\">{E(page.Issuer)}</p>\n")
            .Append($"<p class=\"date\"><time datetime=\"{page.PublishedOn:yyyy-MM-dd}\">{E(page.Date)}</time></p>\n")
            .Append("</header>\n");
        foreach (var note in page.Corrections.Append(page.Shortfall).OfType<string>())
            html.Append($"<p class=\"note\">{E(note)}</p>\n");
        foreach (var (rank, _, text) in page.Cases)
        {
            html.Append($"<section class=\"case\" id=\"case-{rank}\">\n")
                .Append($"<h2>案例{Numeral(rank)}　{E(text.Title)}</h2>\n");
            foreach (var (label, body) in Sections(text))
                html.Append($"<h3>【{label}】</h3>\n<p>{E(body)}</p>\n");
            html.Append("</section>\n");
        }
        return html.Append("</body>\n</html>\n").ToString();
    }

    private static string Markdown(Page page)
    {
        var md = new StringBuilder();
        md.Append($"# {M(page.Heading)}\n\n{M(page.Issuer)}  \n{M(page.Date)}\n");
        foreach (var note in page.Corrections.Append(page.Shortfall).OfType<string>())
            md.Append($"\n> {M(note)}\n");
        foreach (var (rank, _, text) in page.Cases)
        {
            md.Append($"\n## 案例{Numeral(rank)}　{M(text.Title)}\n");
            foreach (var (label, body) in Sections(text))
                md.Append($"\n**【{label}】**\n\n{M(body)}\n");
        }
        return md.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static string Json(Page page) => JsonSerializer.Serialize(new
    {
        title = page.Heading,
        issuer = page.Issuer,
        region = page.Region.Value,
        year = page.Year,
        edition = page.Edition,
        published_on = page.PublishedOn.ToString("yyyy-MM-dd", null),
        notes = page.Corrections.Append(page.Shortfall).OfType<string>().ToArray(),
        cases = page.Cases.Select(c => new
        {
            rank = c.Rank,
            case_id = c.CaseId,
            title = c.Text.Title,
            facts = c.Text.Facts,
            outcome = c.Text.Outcome,
            significance = c.Text.Significance,
        }).ToArray(),
    }, JsonOptions).Replace("\r\n", "\n") + "\n";

    private static IEnumerable<(string Label, string Body)> Sections(CaseText text) =>
        [("案情简介", text.Facts), ("处理结果", text.Outcome), ("典型意义", text.Significance)];

    /// <summary>1 to 99 in Chinese numerals (案例一 … 案例十).</summary>
    public static string Numeral(int n)
    {
        const string digits = "零一二三四五六七八九";
        if (n is < 1 or > 99) return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (n < 10) return digits[n].ToString();
        var tens = n / 10;
        return (tens == 1 ? "" : digits[tens].ToString()) + "十" + (n % 10 == 0 ? "" : digits[n % 10].ToString());
    }

    // Markdown's special characters are escaped, so "余**" stays a name and never becomes emphasis.
    private static string M(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '~') escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString().Replace("\n", "  \n");
    }

    private static string Sentence(string text) => text.TrimEnd().EndsWith('。') ? text.TrimEnd() : text.TrimEnd() + "。";

    private static string Clause(string text) => text.Trim().TrimEnd('。');
}

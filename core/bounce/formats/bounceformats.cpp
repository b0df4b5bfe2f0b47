#include "bounce/formats/bounceformats.h"

#include "bounce/formats/regexmatch.h"

#include <QList>
#include <QRegularExpression>

#include <bit>
#include <vector>

namespace smtpscope::core::bounce {

namespace {

constexpr auto kOptions = QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption;

QRegularExpression compile(const char *pattern, QRegularExpression::PatternOptions extra = {})
{
    QRegularExpression re(QString::fromUtf8(pattern), kOptions | extra);
    Q_ASSERT_X(re.isValid(), "BounceSignals", pattern);
    re.optimize();
    return re;
}

// clang-format off
const char kSender[] =
    R"(mailer[-_ ]?daemon|\bpost_?master\b|\bpoostmaster\b|mail\s*deliver(?:y)?\s*(?:sub)?system|mail\.delivery\.system)"
    R"(|\bsystem\s+administrator\b|\bmail\s+system\b|\bMAILER_DAEMON\b)";

const char kSubject[] =
    R"(undeliver(?:ed|able)|returned\s+mail|returning\s+message|returned\s+to\s+sender)"
    R"(|delivery\s+(?:status\s+notification|failure|failed|notification|has\s+failed|problem))"
    R"(|mail\s+delivery\s+failed|failure\s+notice|failure\s+delivery|failed\s+delivery|non[- ]?delivery)"
    R"(|could\s+not\s+be\s+delivered|mail\s+system\s+error|delayed\s+mail|message\s+\S+\s+delayed)"
    R"(|could\s+not\s+send\s+(?:mail|message)|cannot\s+send\s+message|mail\s+failure|mail\s+failed)"
    R"(|error\s+sending\s+your\s+mail|message\s+delivery\s+has\s+failed|malformed\s+recipient)"
    R"(|unzustellbar|nicht\s+zustellbar|non\s+remis|no\s+entregado|non\s+recapitato)"
    R"(|配信できません|配送エラー|не\s+доставлено)";

const char kBody[] =
    R"(this\s+is\s+the\s+qmail-send\s+program|this\s+is\s+the\s+(?:mail\s+system|postfix\s+program)\s+at\s+host)"
    R"(|created\s+automatically\s+by\s+mail\s+delivery\s+software)"
    R"(|the\s+following\s+addresses\s+had\s+(?:permanent\s+fatal\s+errors|(?:transient\s+non-fatal\s+|delivery\s+)(?:errors|problems)))"
    R"(|transcript\s+of\s+session\s+follows|could\s+not\s+be\s+delivered\s+to)"
    R"(|delivery\s+to\s+the\s+following\s+recipients?\s+(?:failed|has\s+been\s+delayed|was\s+aborted))"
    R"(|did\s+not\s+reach\s+the\s+following\s+recipient|delivery\s+has\s+failed\s+to\s+these\s+recipients)"
    R"(|unable\s+to\s+deliver\s+(?:your\s+)?(?:message|mail)|wasn'?t\s+able\s+to\s+deliver)"
    R"(|there\s+was\s+an\s+error\s+delivering|an\s+error\s+(?:has\s+)?occurred\s+while\s+(?:attempting|trying)\s+to\s+deliver)"
    R"(|we\s+had\s+trouble\s+delivering|message\s+could\s+not\s+be\s+delivered|could\s+not\s+deliver\s+(?:the\s+)?message)"
    R"(|automatically\s+generated\s+delivery\s+status\s+notification|delivery\s+status\s+notification)"
    R"(|this\s+is\s+the\s+mailer-daemon|following\s+recipients?\s+(?:was|were)\s+rejected)";

// Sentences that reports write around their recipients whatever went wrong: about the report itself, the queue, what
// to do with the report. Matched at the start of a sentence.
const char kBoilerplate[] =
    R"(this\s+message\s+was\s+created\s+automatically|a\s+message\s+that\s+you\s+sent\s+could\s+not\s+be\s+delivered)"
    R"(|this\s+is\s+a\s+permanent\s+error|the\s+following\s+(?:address(?:\(es\)|es)?|recipients?)\s+(?:failed|did\s+not\s+receive))"
    R"(|please\s+note\s+that\s+this\s+is\s+only\s+a\s+temporary|the\s+message\s+is\s+kept\s+in\s+the\s+queue)"
    R"(|you\s+do\s+not\s+need\s+to\s+re-?send|below\s+is\s+a\s+copy\s+of|this\s+is\s+the\s+mail\s+system\s+at\s+host)"
    R"(|i'?m\s+sorry\s+to\s+have\s+to\s+inform\s+you|it'?s\s+attached\s+below|for\s+further\s+assistance)"
    R"(|if\s+you\s+do\s+so,\s+please\s+include|you\s+can\s+delete\s+your\s+own\s+text|the\s+mail\s+system\s*$|delivery\s+report\s+unavailable)"
    R"(|your\s+message\s+to\s+(?:\S+\s+)?was\s+automatically\s+rejected:|your\s+message\s*:?\s*$)"
    R"(|could\s+not\s+be\s+delivered\s+to:|did\s+not\s+reach\s+the\s+following\s+recipient|delivery\s+has\s+failed\s+to\s+these)"
    R"(|delivery\s+to\s+the\s+following\s+recipients?\s+failed(?:\s+permanently)?:)"
    R"(|this\s+is\s+an\s+automatically\s+generated\s+delivery\s+status\s+notification)"
    R"(|(?:please\s+)?do\s+not\s+reply\s+to\s+this|рекомендуем\s+вам\s+проверить|(?:本|この)メールには返信できません)";

// A line where the returned original (or its headers) begins; the report ends above it.
const char kOriginalBoundary[] =
    R"(^\s*[-=*|]*\s*(?:-+\s*)?(?:below\s+this\s+line\s+is\s+a\s+copy\s+of\s+the\s+message)"
    R"(|this\s+is\s+a\s+copy\s+of\s+(?:the|your)\s+message|(?:the\s+)?original\s+message\s+(?:follows|headers?)\b)"
    R"(|original\s+message\s*-*\s*$|message\s+headers\s+follow|unsent\s+message\s+follows)"
    R"(|returned\s+message\s*-*\s*$|the\s+header\s+of\s+the\s+original\s+message|original\s+mail\s+as\s+follows)"
    R"(|returned\s+mail\s+follows|message\s+text\s+follows|headers?\s+of\s+(?:the\s+)?original\s+message)"
    R"(|a\s+copy\s+of\s+the\s+original\s+message|original\s+message\s+header|content-type:\s*message/rfc822)"
    R"(|(?:return-path|received|dkim-signature|arc-seal|x-google-dkim-signature|authentication-results|x-received):))";

const char kDelay[] =
    R"(\bdelay(?:ed)?\b|warning\s+message\s+only|this\s+is\s+a\s+warning|warning\s+only|will\s+(?:be\s+)?retr(?:y|ied))"
    R"(|still\s+being\s+retried|could\s+not\s+send\s+mail\s+for\s+past|not\s+yet\s+been\s+delivered)"
    R"(|will\s+(?:keep|continue)\s+(?:trying|to\s+try)|delivery\s+attempts\s+will\s+continue)";

const char kPermanent[] =
    R"(permanent(?:ly)?\s+(?:error|failure|fatal)|failed\s+permanently|(?:have|has|I've)\s+given\s+up|giving\s+up)"
    R"(|no\s+further\s+(?:delivery\s+)?attempts|not\s+going\s+to\s+try\s+again|returning\s+message\s+to\s+sender)";

const char kAutoReplySubject[] =
    R"(auto(?:matic)?[\s_-]*(?:reply|response|respons|antwort|r[ée]ponse|answer)|out\s+of\s+(?:the\s+)?office)"
    R"(|away\s+from\s+(?:the\s+|my\s+)?office|\bon\s+vacation\b|vacation\s+(?:reply|message|notice)|abwesenheit)"
    R"(|absence|autosvar|respuesta\s+autom|risposta\s+automatica|自動応答|自動返信|不在)";

struct FormatMarker
{
    const char *name;
    const char *pattern; ///< over "from\nsubject\ntext"
};

// First match wins: more specific markers come first.
const FormatMarker kFormats[] = {
    { "GoogleGroups", R"(groups\.google\.com)" },
    { "Gmail", R"(Technical\s+details\s+of\s+(?:permanent|temporary)\s+failure|Delivery\s+to\s+the\s+following\s+recipient\s+(?:failed\s+permanently|has\s+been\s+delayed)|mailer-daemon@googlemail\.com)" },
    { "MailRu", R"(mail\.ru\b)" },
    { "qmail", R"(qmail-send\s+program|qmail-remote)" },
    { "DragonFly", R"(DragonFly\s+Mail\s+Agent)" },
    { "OpenSMTPD", R"(This\s+is\s+the\s+MAILER-DAEMON,\s+please\s+DO\s+NOT\s+REPLY)" },
    { "Postfix", R"(this\s+is\s+the\s+(?:mail\s+system|postfix\s+program)\s+at\s+host|Postfix\s+SMTP\s+server)" },
    { "GMX", R"(@(?:\w+\.)*(?:gmx\.\w+|kundenserver\.\w+)|1and1\.com)" },
    { "Exim", R"(created\s+automatically\s+by\s+mail\s+delivery\s+software|SMTP\s+error\s+from\s+remote\s+mail)" },
    { "Exchange", R"(did\s+not\s+reach\s+the\s+following\s+recipient|Diagnostic\s+information\s+for\s+administrators|Delivery\s+has\s+failed\s+to\s+these\s+recipients|MSEXCH:)" },
    { "Notes", R"(Failure\s+Reasons|Lotus\s+Notes|Domino)" },
    { "Courier", R"(delivery\s+status\s+notification\s+from|Courier\s+mail\s+server)" },
    { "Yahoo", R"(Sorry,\s+we\s+were\s+unable\s+to\s+deliver\s+your\s+message\s+to\s+the\s+following\s+address)" },
    { "AmazonSES", R"(amazonses\.com|Amazon\s+SES)" },
    { "MessagingServer", R"(Messaging\s+Server|PMDF)" },
    { "mFILTER", R"(m-FILTER)" },
    { "InterScanMSS", R"(InterScan)" },
    { "McAfee", R"(McAfee)" },
    { "KDDI", R"(ezweb\.ne\.jp|dion\.ne\.jp|au\s+one\s+net)" },
    { "Sendmail", R"(transcript\s+of\s+session\s+follows|the\s+following\s+addresses\s+had\s+permanent\s+fatal\s+errors)" },
};
// Where bounce texts name their own host; group 1 is the host.
const char kReportingHost[] =
    R"((?:mail\s+system|postfix\s+program|qmail-send\s+program|mail\s+agent\s+v?[\d.]*)\s+at\s+(?:host\s+)?([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}))"
    R"(|generating\s+server:\s*([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})|reporting-mta:\s*(?:dns;\s*)?<?([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}))";

struct FormatExplanation
{
    const char *format;
    const char *explanation;
};

const FormatExplanation kExplanations[] = {
    { "GoogleGroups", "Google Groups: the group does not exist, or the sender is not permitted to post to it." },
};

struct ComplaintMarker
{
    const char *provider;
    const char *from;
    const char *subject;
    const char *recipientHeader;
    const char *feedbackType;
};

const ComplaintMarker kComplaints[] = {
    // Hotmail/Outlook.com's JMRP reports: the original comes back with the complainer in a header.
    { "Outlook.com", R"(@(?:hotmail|outlook|live|msn)\.com\b)", R"(^\s*complaint\s+about\s+message\s+from)", "X-HmXmrOriginalRecipient", "abuse" },
};
// clang-format on

} // namespace

const BounceSignals &BounceSignals::instance()
{
    static const BounceSignals signals_;
    return signals_;
}

const Re2Pattern &BounceSignals::sender() const
{
    static const Re2Pattern re(kSender);
    return re;
}

const Re2Pattern &BounceSignals::subject() const
{
    static const Re2Pattern re(kSubject);
    return re;
}

const Re2Pattern &BounceSignals::body() const
{
    static const Re2Pattern re(kBody);
    return re;
}

const Re2Pattern &BounceSignals::boilerplate() const
{
    static const Re2Pattern re(kBoilerplate);
    return re;
}

const Re2Pattern &BounceSignals::originalBoundary() const
{
    static const Re2Pattern re(kOriginalBoundary, Re2Pattern::Multiline);
    return re;
}

const Re2Pattern &BounceSignals::delay() const
{
    static const Re2Pattern re(kDelay);
    return re;
}

const Re2Pattern &BounceSignals::permanent() const
{
    static const Re2Pattern re(kPermanent);
    return re;
}

const Re2Pattern &BounceSignals::autoReplySubject() const
{
    static const Re2Pattern re(kAutoReplySubject);
    return re;
}

ComplaintFormat identifyComplaint(const QString &from, const QString &subject)
{
    struct CompiledComplaint
    {
        QRegularExpression from;
        QRegularExpression subject;
        ComplaintFormat format;
    };
    thread_local const QList<CompiledComplaint> complaints = [] {
        QList<CompiledComplaint> out;
        for (const ComplaintMarker &c : kComplaints)
            out.append({ compile(c.from), compile(c.subject),
                { QString::fromLatin1(c.provider), QString::fromLatin1(c.recipientHeader),
                    QString::fromLatin1(c.feedbackType) } });
        return out;
    }();
    for (const CompiledComplaint &c : complaints) {
        if (match(c.from, from).hasMatch() && match(c.subject, subject).hasMatch())
            return c.format;
    }
    return {};
}

QString formatExplanation(const QString &format)
{
    for (const FormatExplanation &e : kExplanations) {
        if (format == QLatin1StringView(e.format))
            return QString::fromUtf8(e.explanation);
    }
    return {};
}

QList<QPair<QString, const Re2Pattern *>> BounceSignals::formatMarkers()
{
    static const std::vector<Re2Pattern> patterns = [] {
        std::vector<Re2Pattern> out;
        for (const FormatMarker &f : kFormats)
            out.emplace_back(f.pattern);
        return out;
    }();
    QList<QPair<QString, const Re2Pattern *>> markers;
    for (size_t i = 0; i < patterns.size(); ++i)
        markers.append({ QString::fromLatin1(kFormats[i].name), &patterns[i] });
    return markers;
}

const Re2Pattern &BounceSignals::reportingHostPattern()
{
    static const Re2Pattern re(kReportingHost);
    return re;
}

QString reportingHost(QStringView text)
{
    Re2Pattern::Match m;
    if (!BounceSignals::reportingHostPattern().match(text, 0, &m, 3))
        return {};
    for (QString host : std::as_const(m.groups)) {
        if (host.isEmpty())
            continue;
        while (host.endsWith(u'.'))
            host.chop(1);
        return host;
    }
    return {};
}

QString identifyFormat(const QString &from, const QString &subject, QStringView text)
{
    // All markers in one pass; the first in the table that matches wins, as when tried in turn.
    static const QList<QPair<QString, const Re2Pattern *>> markers = BounceSignals::formatMarkers();
    static const Re2PatternSet set([] {
        QList<const Re2Pattern *> patterns;
        for (const auto &marker : markers)
            patterns.append(marker.second);
        return patterns;
    }());
    const QString haystack = from + u'\n' + subject + u'\n' + text.left(8000);
    const quint64 matching = set.matching(Re2Pattern::Text(haystack));
    return matching ? markers.at(std::countr_zero(matching)).first : QString();
}

} // namespace smtpscope::core::bounce

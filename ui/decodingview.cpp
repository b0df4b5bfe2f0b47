#include "decodingview.h"

#include "htmlbuilder.h"
#include "kbtext.h"
#include "replytextmap.h"

#include <QDesktopServices>
#include <QEvent>
#include <QScrollBar>

namespace smtpscope::ui {

using namespace smtpscope::core;

namespace {

const QString exampleScheme = QStringLiteral("example");
const QString codeScheme = QStringLiteral("code");

QString codeLink(const QString &code)
{
    return QStringLiteral("<a href=\"code:") + HtmlBuilder::escape(code)
        + QStringLiteral("\" title=\"Open in the code "
                         "reference\"><b>")
        + HtmlBuilder::escape(code) + QStringLiteral("</b></a>");
}

QString titled(const QString &code, const QString &title, const QString &meaning, bool link = true)
{
    QString out = (link ? codeLink(code) : QStringLiteral("<b>") + HtmlBuilder::escape(code) + QStringLiteral("</b>"))
        + QLatin1Char(' ') + HtmlBuilder::escape(title);
    if (!meaning.isEmpty())
        out += QStringLiteral("<br>") + HtmlBuilder::escape(meaning);
    return out;
}

QString issueIcon(ReplyIssue::Severity severity)
{
    switch (severity) {
    case ReplyIssue::Severity::Info:
        return QStringLiteral("ℹ");
    case ReplyIssue::Severity::Warning:
        return QStringLiteral("⚠");
    case ReplyIssue::Severity::Error:
        return QStringLiteral("✖");
    }
    return {};
}

} // namespace

DecodingView::DecodingView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    setOpenExternalLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, &DecodingView::onAnchorClicked);
    document()->setDocumentMargin(12);
}

void DecodingView::setKnowledgeBase(std::shared_ptr<const KnowledgeBase> kb)
{
    m_kb = std::move(kb);
    render();
}

QStringList DecodingView::examples()
{
    return {
        QStringLiteral("550-5.7.26 This mail has been blocked because the sender is unauthenticated.\n"
                       "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\n"
                       "550 5.7.26 Learn more at https://support.google.com/mail/answer/81126 - gsmtp"),
        QStringLiteral("550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual "
                       "mailbox table"),
        QStringLiteral("452 4.2.2 The email account that you tried to reach is over quota."),
        QStringLiteral("451 4.7.1 Greylisted, please try again later"),
        QStringLiteral("421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume "
                       "or user complaints"),
    };
}

void DecodingView::showHint()
{
    m_hint = true;
    m_note.clear();
    m_decodings.clear();
    m_errors.clear();
    render();
}

void DecodingView::showNote(const QString &text)
{
    m_hint = false;
    m_decodings.clear();
    m_errors.clear();
    m_note = text;
    render();
}

void DecodingView::showResult(const QList<Decoding> &decodings, const QList<ReplyIssue> &errors)
{
    m_hint = false;
    m_note.clear();
    m_decodings = decodings;
    m_errors = errors;
    render();
}

void DecodingView::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        render();
}

void DecodingView::render()
{
    const StatusColors colors(palette());
    HtmlBuilder html(colors);
    if (!m_kb) {
        html.paragraph(html.muted(QStringLiteral("No knowledge base is loaded.")));
    } else if (m_hint) {
        renderHint(html);
    } else if (!m_note.isEmpty()) {
        html.paragraph(html.muted(HtmlBuilder::escape(m_note)));
    } else {
        for (const ReplyIssue &e : m_errors)
            html.paragraph(html.accent(4, issueIcon(e.severity)) + QLatin1Char(' ') + HtmlBuilder::escape(e.message));
        if (m_decodings.isEmpty())
            html.paragraph(QStringLiteral("No SMTP reply found. A reply starts with a three-digit code such as "
                                          "<b>550</b>, optionally followed by an enhanced status code such as "
                                          "<b>5.1.1</b>."));
        for (qsizetype i = 0; i < m_decodings.size(); ++i) {
            if (i > 0)
                html.raw(QStringLiteral("<hr>"));
            if (m_decodings.size() > 1) {
                const Reply &r = m_decodings.at(i).reply;
                const QString lines = r.firstLine == r.lastLine
                    ? QStringLiteral("line %1").arg(r.firstLine)
                    : QStringLiteral("lines %1–%2").arg(r.firstLine).arg(r.lastLine);
                html.paragraph(
                    html.muted(QStringLiteral("Reply %1 of %2 · %3").arg(i + 1).arg(m_decodings.size()).arg(lines)));
            }
            renderDecoding(html, m_decodings.at(i));
        }
    }
    // Keep the reading position while the user types.
    const int scroll = verticalScrollBar()->value();
    setHtml(html.html());
    verticalScrollBar()->setValue(scroll);
}

void DecodingView::renderHint(HtmlBuilder &html) const
{
    html.heading(QStringLiteral("Paste an SMTP reply above"), 3);
    html.paragraph(QStringLiteral(
        "Paste what a receiving server answered: a single line such as <b>550 5.1.1 User unknown</b>, a whole "
        "multi-line reply (<b>550-</b>… / <b>550 </b>…), or a bounce's diagnostic (<b>smtp; 550 …</b>). "
        "Smtpscope explains the reply code and the enhanced status code, finds the rule that applies, and says "
        "whether it is a hard or soft bounce, when to retry and what to do."));
    html.paragraph(html.muted(QStringLiteral(
        "Fill in the remote host or the recipient domain to apply a provider's own rules, which take precedence "
        "over the registry (Gmail's 5.7.x codes, for example).")));
    html.paragraph(QStringLiteral("<b>Try an example:</b>"));
    QString list = QStringLiteral("<ul style=\"margin-top:0px\">");
    const QStringList all = examples();
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QString first = all.at(i).section(QLatin1Char('\n'), 0, 0);
        list += QStringLiteral("<li>")
            + html.monospace(html.link(exampleScheme + QLatin1Char(':') + QString::number(i), first))
            + QStringLiteral("</li>");
    }
    html.raw(list + QStringLiteral("</ul>"));
}

QString DecodingView::replyLinesHtml(const HtmlBuilder &html, const Decoding &d) const
{
    const Evidence &evidence = d.classification.evidence;
    QList<ReplyTextMap::Span> spans;
    if (evidence.matchStart >= 0 && !evidence.matchedText.isEmpty())
        spans = ReplyTextMap(d.reply).spans(evidence.matchStart, evidence.matchedText.size());

    const StatusColors &colors = html.colors();
    const QString mark = QStringLiteral("<span style=\"background-color:")
        + HtmlBuilder::colorName(colors.evidenceBackground()) + QStringLiteral("; color:")
        + HtmlBuilder::colorName(colors.evidenceText()) + QStringLiteral("\">");
    QStringList lines;
    for (qsizetype i = 0; i < d.reply.lines.size(); ++i) {
        const QString raw = d.reply.lines.at(i).trimmed();
        const qsizetype indent = d.reply.lines.at(i).indexOf(raw);
        QString out;
        qsizetype pos = 0;
        for (const ReplyTextMap::Span &span : spans) {
            if (span.line != i)
                continue;
            const qsizetype start = std::max<qsizetype>(0, span.start - indent);
            out += HtmlBuilder::escape(raw.mid(pos, start - pos)) + mark
                + HtmlBuilder::escape(raw.mid(start, span.length)) + QStringLiteral("</span>");
            pos = start + span.length;
        }
        out += HtmlBuilder::escape(raw.mid(pos));
        lines.append(out);
    }
    return QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"8\" bgcolor=\"")
        + HtmlBuilder::colorName(colors.panel()) + QStringLiteral("\"><tr><td style=\"white-space:pre-wrap\">")
        + html.monospace(lines.join(QStringLiteral("<br>"))) + QStringLiteral("</td></tr></table>");
}

void DecodingView::renderDecoding(HtmlBuilder &html, const Decoding &d) const
{
    const KnowledgeBase &kb = *m_kb;
    const Reply &reply = d.reply;
    const Classification &c = d.classification;
    const int replyClass = reply.code ? reply.replyClass() : reply.status.statusClass;

    html.raw(replyLinesHtml(html, d));

    QString verdict = html.badge(replyClass,
                          (replyClass ? QString::number(replyClass) + QStringLiteral("xx ") : QString())
                              + KbText::replyClassVerdict(replyClass))
        + QStringLiteral("&nbsp;&nbsp;<b>") + HtmlBuilder::escape(KbText::reason(kb, c.reason))
        + QStringLiteral("</b>");
    if (replyClass == 4 || replyClass == 5)
        verdict += QStringLiteral("&nbsp;&nbsp;")
            + html.accent(c.hard ? 5 : 4,
                HtmlBuilder::escape(KbText::hardOrSoft(c.hard)).replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    html.paragraph(QStringLiteral("<span style=\"font-size:large\">") + verdict + QStringLiteral("</span>"));

    html.beginTable();
    if (d.replyCode)
        html.row(QStringLiteral("Reply code"),
            titled(QString::number(d.replyCode->code), d.replyCode->title, d.replyCode->meaning));
    else if (reply.code)
        html.row(QStringLiteral("Reply code"),
            QStringLiteral("<b>") + QString::number(reply.code) + QStringLiteral("</b> ")
                + html.muted(QStringLiteral("not a standard reply code")));
    const EnhancedStatus &s = reply.status;
    if (s.isValid()) {
        if (d.statusClass)
            html.row(QStringLiteral("Class"),
                titled(QString::number(s.statusClass), d.statusClass->title, d.statusClass->meaning, false));
        if (d.subject)
            html.row(QStringLiteral("Subject"),
                titled(QString::number(s.subject), d.subject->title, d.subject->meaning, false));
        html.row(QStringLiteral("Detail"),
            d.enhancedCode ? titled(s.toString(), d.enhancedCode->title, d.enhancedCode->meaning)
                           : QStringLiteral("<b>") + s.toString() + QStringLiteral("</b> ")
                    + html.muted(QStringLiteral("not in the IANA registry")));
    } else {
        html.row(QStringLiteral("Enhanced code"), html.muted(QStringLiteral("none given")));
    }
    if (d.provider) {
        QString provider = HtmlBuilder::escape(d.provider->name);
        if (!d.scope.why.isEmpty())
            provider += QStringLiteral("<br>")
                + html.muted(
                    QStringLiteral("in scope by ") + HtmlBuilder::escape(d.scope.why.join(QStringLiteral("; "))));
        html.row(QStringLiteral("Provider"), provider);
    } else if (!d.scope.providerIds.isEmpty()) {
        QStringList names;
        for (const QString &id : d.scope.providerIds) {
            const ProviderEntry *p = kb.provider(id);
            names.append(p ? p->name : id);
        }
        html.row(QStringLiteral("Provider"),
            HtmlBuilder::escape(names.join(QStringLiteral(", ")))
                + html.muted(QStringLiteral(" — in scope by ")
                    + HtmlBuilder::escape(d.scope.why.join(QStringLiteral("; ")))
                    + QStringLiteral(", but none of its rules matched")));
    }
    if (d.rule) {
        QString rule = QStringLiteral("<b>") + HtmlBuilder::escape(d.rule->id) + QStringLiteral("</b>");
        if (!d.rule->meaning.isEmpty())
            rule += QStringLiteral("<br>") + HtmlBuilder::escape(d.rule->meaning);
        if (!d.rule->source.isEmpty())
            rule += QStringLiteral("<br>") + html.muted(QStringLiteral("Source: "))
                + (d.rule->source.startsWith(QLatin1String("http")) ? html.link(d.rule->source, d.rule->source)
                                                                    : HtmlBuilder::escape(d.rule->source));
        html.row(QStringLiteral("Rule"), rule);
    }
    QString reason = QStringLiteral("<b>") + HtmlBuilder::escape(KbText::reason(kb, c.reason)) + QStringLiteral("</b>");
    if (const QString description = KbText::reasonDescription(kb, c.reason); !description.isEmpty())
        reason += QStringLiteral("<br>") + HtmlBuilder::escape(description);
    html.row(QStringLiteral("Reason"), reason);
    if (replyClass == 4 || replyClass == 5)
        html.row(QStringLiteral("Hard/soft"),
            html.accent(c.hard ? 5 : 4,
                HtmlBuilder::escape(KbText::hardOrSoft(c.hard)).replace(QLatin1Char(' '), QStringLiteral("&nbsp;")))
                + html.muted(c.hard ? QStringLiteral(" — the address will not start working by itself")
                                    : QStringLiteral(" — the address may work later or after a fix")));
    html.row(QStringLiteral("Action"), HtmlBuilder::escape(KbText::action(kb, c.action)));
    html.row(QStringLiteral("Retry"), HtmlBuilder::escape(KbText::retry(c.schedule, c.giveUpAfter)));
    html.row(QStringLiteral("What to do"), HtmlBuilder::linkify(HtmlBuilder::escape(c.advice)));
    html.row(QStringLiteral("Evidence"),
        HtmlBuilder::escape(c.evidence.summary)
            + html.muted(QStringLiteral(" (confidence %1%)").arg(qRound(c.confidence * 100))));
    for (const ReplyIssue &issue : d.issues)
        html.row(QStringLiteral("Note"),
            html.accent(issue.severity == ReplyIssue::Severity::Info ? 0 : 4, issueIcon(issue.severity))
                + QLatin1Char(' ') + HtmlBuilder::escape(issue.message));
    html.endTable();
}

void DecodingView::onAnchorClicked(const QUrl &url)
{
    if (url.scheme() == exampleScheme) {
        bool ok = false;
        const int index = url.path().toInt(&ok);
        const QStringList all = examples();
        if (ok && index >= 0 && index < all.size())
            Q_EMIT exampleRequested(all.at(index));
        return;
    }
    if (url.scheme() == codeScheme) {
        Q_EMIT codeRequested(url.path());
        return;
    }
    if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        QDesktopServices::openUrl(url);
}

} // namespace smtpscope::ui

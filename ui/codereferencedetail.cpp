#include "codereferencedetail.h"

#include "codereferencemodel.h"
#include "htmlbuilder.h"
#include "kbtext.h"

#include "classify/classification.h"

#include <QDesktopServices>
#include <QEvent>

namespace smtpscope::ui {

using namespace smtpscope::core;

namespace {

QString esc(const QString &text)
{
    return HtmlBuilder::escape(text);
}

QString numbers(const QList<int> &values)
{
    QStringList out;
    for (int v : values)
        out.append(QString::number(v));
    return out.join(QStringLiteral(", "));
}

} // namespace

CodeReferenceDetail::CodeReferenceDetail(CodeReferenceModel *model, QWidget *parent)
    : QTextBrowser(parent)
    , m_model(model)
{
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, &CodeReferenceDetail::onAnchorClicked);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CodeReferenceDetail::render);
    document()->setDocumentMargin(12);
    render();
}

void CodeReferenceDetail::showEntry(const QModelIndex &index)
{
    Q_ASSERT(!index.isValid() || index.model() == m_model);
    m_index = index.siblingAtColumn(0);
    render();
}

void CodeReferenceDetail::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        render();
}

void CodeReferenceDetail::render()
{
    const StatusColors colors(palette());
    HtmlBuilder html(colors);
    if (!m_index.isValid() || !m_model->knowledgeBase()) {
        html.paragraph(html.muted(QStringLiteral(
            "Select an entry to see what it means, what to do about it, and where the knowledge comes from.")));
        setHtml(html.html());
        return;
    }
    switch (m_model->kind(m_index)) {
    case CodeReferenceModel::ReplyCodeLeaf:
        renderReplyCode(html);
        break;
    case CodeReferenceModel::EnhancedCodeLeaf:
        renderEnhancedCode(html);
        break;
    case CodeReferenceModel::RuleLeaf:
        renderRule(html);
        break;
    case CodeReferenceModel::ProviderNode:
        renderProvider(html);
        break;
    case CodeReferenceModel::GroupNode:
    case CodeReferenceModel::ReplyClassNode:
    case CodeReferenceModel::SubjectNode:
        renderGroup(html);
        break;
    }
    setHtml(html.html());
}

void CodeReferenceDetail::outcomeRows(HtmlBuilder &html, const Outcome &outcome, int replyClass) const
{
    const KnowledgeBase &kb = *m_model->knowledgeBase();
    QString reason = QStringLiteral("<b>") + esc(KbText::reason(kb, outcome.reason)) + QStringLiteral("</b>");
    if (replyClass == 4 || replyClass == 5) {
        const bool hard = isHardBounce(outcome.reason, replyClass);
        reason += QStringLiteral(" · ")
            + html.accent(
                hard ? 5 : 4, esc(KbText::hardOrSoft(hard)).replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    }
    html.row(QStringLiteral("Reason"), reason);
    html.row(QStringLiteral("Action"), esc(KbText::action(kb, outcome.action)));
    html.row(QStringLiteral("Retry"), esc(KbText::retry(kb, outcome.retry)));
    html.row(QStringLiteral("What to do"), HtmlBuilder::linkify(esc(outcome.advice)));
}

void CodeReferenceDetail::renderReplyCode(HtmlBuilder &html) const
{
    const ReplyCodeEntry &e = *m_model->replyCode(m_index);
    const int cls = e.code / 100;
    html.heading(esc(QString::number(e.code) + QStringLiteral(" ") + e.title));
    html.paragraph(html.badge(cls, QString::number(cls) + QStringLiteral("xx ") + KbText::replyClassVerdict(cls)));
    html.paragraph(esc(e.meaning));
    html.beginTable();
    html.row(QStringLiteral("Enhanced codes"), esc(e.enhanced.join(QStringLiteral(", "))));
    outcomeRows(html, e.outcome, cls);
    html.row(QStringLiteral("Reference"), esc(e.reference));
    html.endTable();
    html.paragraph(html.muted(
        QStringLiteral("These are the defaults when nothing more specific applies: an enhanced status code or a rule "
                       "matching the text takes precedence.")));
}

void CodeReferenceDetail::renderEnhancedCode(HtmlBuilder &html) const
{
    const EnhancedCodeEntry &e = *m_model->enhancedCode(m_index);
    const KnowledgeBase &kb = *m_model->knowledgeBase();
    html.heading(esc(e.code + QStringLiteral(" ") + e.title));
    if (e.deprecated)
        html.paragraph(html.accent(4, QStringLiteral("Deprecated")) + QStringLiteral(" in the IANA registry."));
    html.paragraph(esc(e.meaning));
    html.beginTable();
    if (const SubjectEntry *subject = kb.subject(e.subject))
        html.row(QStringLiteral("Subject"),
            esc(QStringLiteral("X.") + QString::number(e.subject) + QStringLiteral(" ") + subject->title));
    html.row(QStringLiteral("Basic codes"),
        e.basicCodes.isEmpty() ? html.muted(QStringLiteral("any")) : esc(numbers(e.basicCodes)));
    html.row(QStringLiteral("Reference"), esc(e.reference));
    html.endTable();

    const QString tail = e.code.mid(1);
    html.heading(html.badge(4, QStringLiteral("4") + tail) + QStringLiteral(" transient"), 4);
    html.beginTable();
    outcomeRows(html, e.transient, 4);
    html.endTable();
    html.heading(html.badge(5, QStringLiteral("5") + tail) + QStringLiteral(" permanent"), 4);
    html.beginTable();
    outcomeRows(html, e.permanent, 5);
    html.endTable();

    // Providers often mean something more specific by a code; their rules win over these defaults.
    QStringList rules;
    const QStringList forms { QStringLiteral("4") + tail, QStringLiteral("5") + tail };
    for (const RuleEntry &r : kb.data().rules) {
        if (std::none_of(forms.cbegin(), forms.cend(), [&](const QString &f) { return r.statuses.contains(f); }))
            continue;
        const ProviderEntry *p = kb.provider(r.provider);
        rules.append(html.monospace(esc(r.id)) + (p ? html.muted(QStringLiteral(" · ") + esc(p->name)) : QString()));
    }
    if (!rules.isEmpty()) {
        html.heading(QStringLiteral("Rules for this code"), 4);
        html.paragraph(rules.join(QStringLiteral("<br>")));
    }
}

void CodeReferenceDetail::renderRule(HtmlBuilder &html) const
{
    const RuleEntry &r = *m_model->rule(m_index);
    const KnowledgeBase &kb = *m_model->knowledgeBase();
    html.heading(esc(r.id));
    html.paragraph(esc(r.meaning));
    html.beginTable();
    if (const ProviderEntry *p = kb.provider(r.provider))
        html.row(QStringLiteral("Provider"), esc(p->name));
    else
        html.row(QStringLiteral("Applies to"), esc(QStringLiteral("any receiver")));
    html.row(QStringLiteral("Reply classes"),
        r.replyClasses.isEmpty() ? html.muted(QStringLiteral("any")) : esc(numbers(r.replyClasses)));
    html.row(QStringLiteral("Statuses"),
        r.statuses.isEmpty() ? html.muted(QStringLiteral("any")) : esc(r.statuses.join(QStringLiteral(", "))));
    html.row(QStringLiteral("Pattern"), html.monospace(esc(r.pattern)));
    const int cls = r.replyClasses.size() == 1 ? r.replyClasses.first() : 5;
    outcomeRows(html, r.outcome, cls);
    if (!r.source.isEmpty())
        html.row(QStringLiteral("Source"),
            r.source.startsWith(QLatin1String("http")) ? html.link(r.source, r.source) : esc(r.source));
    html.row(QStringLiteral("Defined in"), html.muted(esc(r.origin)));
    html.endTable();
}

void CodeReferenceDetail::renderProvider(HtmlBuilder &html) const
{
    const ProviderEntry &p = *m_model->provider(m_index);
    html.heading(esc(p.name));
    html.paragraph(esc(QStringLiteral("Its rules apply when the remote host matches one of the host patterns, the "
                                      "recipient domain is one of its domains, or the reply text carries one of "
                                      "its markers. They take precedence over generic rules and the registry.")));
    html.beginTable();
    html.row(QStringLiteral("Id"), html.monospace(esc(p.id)));
    html.row(QStringLiteral("Rules"), QString::number(m_model->rowCount(m_index)));
    html.row(QStringLiteral("Domains"), esc(p.domains.join(QStringLiteral(", "))));
    html.row(QStringLiteral("Hosts"),
        html.monospace(esc(p.hosts.join(QStringLiteral("\n"))).replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
    html.row(QStringLiteral("Markers"),
        html.monospace(esc(p.markers.join(QStringLiteral("\n"))).replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
    html.endTable();
}

void CodeReferenceDetail::renderGroup(HtmlBuilder &html) const
{
    const KnowledgeBase &kb = *m_model->knowledgeBase();
    const QModelIndex title = QModelIndex(m_index).siblingAtColumn(CodeReferenceModel::TitleColumn);
    const QString code = m_index.data().toString();
    html.heading(
        esc(code + (title.data().toString().isEmpty() ? QString() : QStringLiteral(" ") + title.data().toString())));
    switch (m_model->kind(m_index)) {
    case CodeReferenceModel::ReplyClassNode: {
        const int cls = m_model->number(m_index);
        html.paragraph(html.badge(cls, code + QLatin1Char(' ') + KbText::replyClassVerdict(cls)));
        html.paragraph(esc(QStringLiteral("%1 reply codes in this class.").arg(m_model->rowCount(m_index))));
        break;
    }
    case CodeReferenceModel::SubjectNode:
        if (const SubjectEntry *s = m_model->subject(m_index))
            html.paragraph(esc(s->meaning));
        html.paragraph(esc(QStringLiteral("%1 codes in the registry.").arg(m_model->rowCount(m_index))));
        break;
    default:
        switch (CodeReferenceModel::Group(m_model->number(m_index))) {
        case CodeReferenceModel::ReplyCodesGroup:
            html.paragraph(esc(QStringLiteral(
                "The three-digit codes of RFC 5321 and its extensions. The first digit says how it went: 2 "
                "success, 3 go on, 4 try again later, 5 do not try again as is.")));
            break;
        case CodeReferenceModel::EnhancedCodesGroup:
            html.paragraph(esc(QStringLiteral("The class.subject.detail codes of RFC 3463, as the IANA registry "
                                              "lists them with X for the class. The class changes the meaning:")));
            html.beginTable();
            for (const ClassEntry &c : kb.data().classes)
                html.row(QString::number(c.statusClass) + QStringLiteral(".X.X"),
                    html.badge(c.statusClass, c.title) + QStringLiteral("<br>") + esc(c.meaning));
            html.endTable();
            break;
        case CodeReferenceModel::ProviderRulesGroup:
            html.paragraph(esc(QStringLiteral(
                "What mailbox providers and security gateways mean by their own replies. A provider's rules "
                "apply when the remote host, the recipient domain or the reply text identifies it, and win over "
                "generic rules and the registry.")));
            break;
        case CodeReferenceModel::TextRulesGroup:
            html.paragraph(esc(QStringLiteral(
                "Rules that recognise common reply texts from any receiver (greylisting, blocklists, full "
                "mailboxes…). They apply when no provider rule matches, and win over the code defaults.")));
            break;
        }
        break;
    }
}

void CodeReferenceDetail::onAnchorClicked(const QUrl &url)
{
    if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        QDesktopServices::openUrl(url);
}

} // namespace smtpscope::ui

#include "htmlbuilder.h"

#include <QFontDatabase>
#include <QRegularExpression>

namespace smtpscope::ui {

HtmlBuilder::HtmlBuilder(const StatusColors &colors)
    : m_colors(colors)
{ }

QString HtmlBuilder::escape(const QString &text)
{
    return text.toHtmlEscaped();
}

QString HtmlBuilder::colorName(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

void HtmlBuilder::heading(const QString &html, int level)
{
    const QString tag = QStringLiteral("h") + QString::number(std::clamp(level, 1, 6));
    m_body += QLatin1Char('<') + tag + QStringLiteral(" style=\"margin-top:6px; margin-bottom:4px\">") + html
        + QStringLiteral("</") + tag + QLatin1Char('>');
}

void HtmlBuilder::paragraph(const QString &html)
{
    m_body += QStringLiteral("<p style=\"margin-top:4px; margin-bottom:4px\">") + html + QStringLiteral("</p>");
}

void HtmlBuilder::raw(const QString &html)
{
    m_body += html;
}

void HtmlBuilder::beginTable()
{
    m_body += QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\" style=\"margin-top:6px\">");
}

void HtmlBuilder::row(const QString &label, const QString &html)
{
    if (html.isEmpty())
        return;
    m_body += QStringLiteral("<tr><td valign=\"top\" style=\"padding-right:12px; white-space:nowrap; color:")
        + colorName(m_colors.muted()) + QStringLiteral("\">") + escape(label)
        + QStringLiteral("</td><td valign=\"top\">") + html + QStringLiteral("</td></tr>");
}

void HtmlBuilder::endTable()
{
    m_body += QStringLiteral("</table>");
}

QString HtmlBuilder::badge(int replyClass, const QString &text) const
{
    // QTextDocument has no padding or rounded corners on spans: non-breaking spaces widen the chip.
    return QStringLiteral("<span style=\"background-color:") + colorName(m_colors.badgeBackground(replyClass))
        + QStringLiteral("; color:") + colorName(m_colors.badgeText(replyClass))
        + QStringLiteral("; font-weight:600\">&nbsp;") + escape(text) + QStringLiteral("&nbsp;</span>");
}

QString HtmlBuilder::muted(const QString &html) const
{
    return QStringLiteral("<span style=\"color:") + colorName(m_colors.muted()) + QStringLiteral("\">") + html
        + QStringLiteral("</span>");
}

QString HtmlBuilder::accent(int replyClass, const QString &html) const
{
    return QStringLiteral("<span style=\"color:") + colorName(m_colors.accent(replyClass))
        + QStringLiteral("; font-weight:600\">") + html + QStringLiteral("</span>");
}

QString HtmlBuilder::link(const QString &url, const QString &text) const
{
    return QStringLiteral("<a href=\"") + escape(url) + QStringLiteral("\">") + escape(text) + QStringLiteral("</a>");
}

QString HtmlBuilder::linkify(const QString &escaped)
{
    static const QRegularExpression url(QStringLiteral(R"((https?://[^\s<>"]*[^\s<>".,;:)!?]))"));
    QString out = escaped;
    out.replace(url, QStringLiteral("<a href=\"\\1\">\\1</a>"));
    return out;
}

QString HtmlBuilder::monospace(const QString &html) const
{
    return QStringLiteral("<span style=\"font-family:'")
        + escape(QFontDatabase::systemFont(QFontDatabase::FixedFont).family()) + QStringLiteral("'\">") + html
        + QStringLiteral("</span>");
}

QString HtmlBuilder::html() const
{
    return QStringLiteral("<html><body>") + m_body + QStringLiteral("</body></html>");
}

} // namespace smtpscope::ui

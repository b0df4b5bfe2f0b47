#pragma once

#include "statuscolors.h"

#include <QString>

namespace smtpscope::ui {

/// Builds the small HTML documents of the result and detail views (the subset QTextDocument renders).
class HtmlBuilder
{
public:
    explicit HtmlBuilder(const StatusColors &colors);

    static QString escape(const QString &text);
    static QString colorName(const QColor &color);

    void heading(const QString &html, int level = 2);
    /// A paragraph of HTML (escape plain text first).
    void paragraph(const QString &html);
    void raw(const QString &html);

    void beginTable();
    /// One labelled row; @p html may be empty, then the row is skipped.
    void row(const QString &label, const QString &html);
    void endTable();

    /// A coloured label for a reply class, e.g. "5xx Permanent failure".
    QString badge(int replyClass, const QString &text) const;
    QString muted(const QString &html) const;
    QString accent(int replyClass, const QString &html) const;
    QString link(const QString &url, const QString &text) const;
    /// Links bare http(s) URLs in an already escaped text.
    static QString linkify(const QString &escaped);
    QString monospace(const QString &html) const;

    const StatusColors &colors() const { return m_colors; }
    /// The finished document.
    QString html() const;

private:
    const StatusColors &m_colors;
    QString m_body;
};

} // namespace smtpscope::ui

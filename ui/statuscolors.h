#pragma once

#include <QColor>
#include <QPalette>

namespace smtpscope::ui {

/// Colours for reply classes, notes and evidence, chosen to stay readable on light and dark palettes.
class StatusColors
{
public:
    explicit StatusColors(const QPalette &palette);

    bool isDark() const { return m_dark; }
    /// Badge background and text for a reply class (2, 3, 4, 5; anything else is neutral).
    QColor badgeBackground(int replyClass) const;
    QColor badgeText(int replyClass) const;
    /// A foreground colour for text that carries the class colour (hard/soft, notes).
    QColor accent(int replyClass) const;
    /// Background of matched evidence words: the palette's highlight, softened towards the base.
    QColor evidenceBackground() const;
    QColor evidenceText() const;
    /// Secondary text (labels, hints).
    QColor muted() const;
    QColor link() const;
    /// A faint background to set blocks (reply lines) apart from the page.
    QColor panel() const;

private:
    QPalette m_palette;
    bool m_dark = false;
};

} // namespace smtpscope::ui

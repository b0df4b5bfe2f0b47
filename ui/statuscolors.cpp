#include "statuscolors.h"

#include <algorithm>

namespace smtpscope::ui {

namespace {

QColor mix(const QColor &a, const QColor &b, double amountOfB)
{
    const double k = std::clamp(amountOfB, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() * (1 - k) + b.redF() * k), float(a.greenF() * (1 - k) + b.greenF() * k),
        float(a.blueF() * (1 - k) + b.blueF() * k));
}

} // namespace

StatusColors::StatusColors(const QPalette &palette)
    : m_palette(palette)
    , m_dark(palette.color(QPalette::Base).lightness() < palette.color(QPalette::Text).lightness())
{ }

QColor StatusColors::badgeBackground(int replyClass) const
{
    // Dark text on light chips in dark mode, white text on deep chips in light mode: both above 4.5:1.
    switch (replyClass) {
    case 2:
        return m_dark ? QColor(0x7d, 0xd8, 0x95) : QColor(0x1b, 0x6e, 0x32);
    case 3:
        return m_dark ? QColor(0x8a, 0xb4, 0xf8) : QColor(0x1a, 0x56, 0xb0);
    case 4:
        return m_dark ? QColor(0xf5, 0xc2, 0x4c) : QColor(0x8c, 0x55, 0x00);
    case 5:
        return m_dark ? QColor(0xff, 0x8f, 0x85) : QColor(0xb0, 0x23, 0x1b);
    default:
        return mix(m_palette.color(QPalette::Text), m_palette.color(QPalette::Base), 0.45);
    }
}

QColor StatusColors::badgeText(int replyClass) const
{
    Q_UNUSED(replyClass);
    return m_dark ? QColor(0x10, 0x10, 0x10) : QColor(Qt::white);
}

QColor StatusColors::accent(int replyClass) const
{
    switch (replyClass) {
    case 2:
    case 3:
    case 4:
    case 5:
        return badgeBackground(replyClass);
    default:
        return m_palette.color(QPalette::Text);
    }
}

QColor StatusColors::evidenceBackground() const
{
    return mix(m_palette.color(QPalette::Highlight), m_palette.color(QPalette::Base), 0.55);
}

QColor StatusColors::evidenceText() const
{
    return m_palette.color(QPalette::Text);
}

QColor StatusColors::muted() const
{
    return mix(m_palette.color(QPalette::Text), m_palette.color(QPalette::Base), 0.38);
}

QColor StatusColors::link() const
{
    return m_palette.color(QPalette::Link);
}

QColor StatusColors::panel() const
{
    return mix(m_palette.color(QPalette::Base), m_palette.color(QPalette::Text), 0.06);
}

} // namespace smtpscope::ui

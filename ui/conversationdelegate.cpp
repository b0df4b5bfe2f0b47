#include "conversationdelegate.h"

#include "conversationmodel.h"
#include "statuscolors.h"

#include <QApplication>
#include <QFontDatabase>
#include <QPainter>
#include <QPainterPath>

namespace smtpscope::ui {

namespace {

void drawMarker(QPainter *p, const QRectF &r, int severity, const StatusColors &colors)
{
    const QColor fill = colors.badgeBackground(severity >= 2 ? 5 : severity == 1 ? 4 : 3);
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    p->setPen(Qt::NoPen);
    p->setBrush(fill);
    if (severity >= 1) {
        QPainterPath tri;
        tri.moveTo(r.center().x(), r.top());
        tri.lineTo(r.right(), r.bottom());
        tri.lineTo(r.left(), r.bottom());
        tri.closeSubpath();
        p->drawPath(tri);
    } else {
        p->drawEllipse(r);
    }
    p->setPen(colors.badgeText(5));
    QFont f = p->font();
    f.setBold(true);
    f.setPixelSize(std::max(7, int(r.height() * 0.7)));
    p->setFont(f);
    p->drawText(r.adjusted(0, r.height() * 0.15, 0, 0), Qt::AlignCenter,
        severity >= 1 ? QStringLiteral("!") : QStringLiteral("i"));
    p->restore();
}

} // namespace

void ConversationDelegate::drawLock(QPainter *p, const QRectF &r, const QColor &color)
{
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const qreal w = r.width();
    const QRectF body(r.left(), r.top() + r.height() * 0.45, w, r.height() * 0.55);
    QPen pen(color, std::max<qreal>(1.2, w / 6.0));
    p->setPen(pen);
    p->setBrush(Qt::NoBrush);
    const QRectF shackle(r.left() + w * 0.2, r.top(), w * 0.6, r.height() * 0.8);
    p->drawArc(shackle, 0, 180 * 16);
    p->drawLine(QPointF(shackle.left(), shackle.center().y()), QPointF(shackle.left(), body.top()));
    p->drawLine(QPointF(shackle.right(), shackle.center().y()), QPointF(shackle.right(), body.top()));
    p->setPen(Qt::NoPen);
    p->setBrush(color);
    p->drawRoundedRect(body, w * 0.12, w * 0.12);
    p->restore();
}

QSize ConversationDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(option.fontMetrics.height() + 10);
    if (index.column() == ConversationModel::StepColumn)
        size.setWidth(option.fontMetrics.horizontalAdvance(QStringLiteral("00000")) + 44);
    else
        size.setWidth(size.width() + 14);
    return size;
}

void ConversationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const StatusColors colors(opt.palette);
    const bool selected = opt.state & QStyle::State_Selected;
    const bool failing = index.data(ConversationModel::FailingRole).toBool();
    const int cls = index.data(ConversationModel::ReplyClassRole).toInt();

    // Background: the style's (selection, alternate rows), then a tint on failing steps.
    const QString text = opt.text;
    opt.text.clear();
    opt.icon = QIcon();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    if (failing && !selected) {
        const bool first = index.data(ConversationModel::FirstFailureRole).toBool();
        QColor tint = colors.accent(cls);
        tint.setAlphaF(first ? 0.22f : 0.12f);
        painter->fillRect(opt.rect, tint);
    }
    if (index.data(ConversationModel::TlsBoundaryRole).toBool()) {
        // The TLS boundary: a line across the row where encryption begins.
        painter->fillRect(QRect(opt.rect.left(), opt.rect.top(), opt.rect.width(), 2), colors.accent(2));
    }
    const QColor textColor
        = opt.palette.color(opt.state & QStyle::State_Enabled ? QPalette::Active : QPalette::Disabled,
            selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor muted = selected ? textColor : colors.muted();
    const QRect r = opt.rect.adjusted(6, 0, -6, 0);
    const int h = opt.fontMetrics.height();
    painter->save();
    painter->setClipRect(opt.rect);

    switch (index.column()) {
    case ConversationModel::StepColumn: {
        if (index.data(ConversationModel::FirstFailureRole).toBool()) {
            // A strong bar on the left edge: the failing step at a glance.
            painter->fillRect(QRect(opt.rect.left(), opt.rect.top(), 4, opt.rect.height()), colors.accent(cls));
        }
        const int marker = h * 3 / 4;
        const int y = r.top() + (r.height() - marker) / 2;
        int x = r.left();
        if (index.data(ConversationModel::TlsRole).toBool())
            drawLock(painter, QRectF(x + 1, y, marker * 0.8, marker), selected ? textColor : colors.accent(2));
        x += marker + 4;
        const int severity = index.data(ConversationModel::FindingSeverityRole).toInt();
        if (severity >= 0)
            drawMarker(painter, QRectF(x, y, marker, marker), severity, colors);
        x += marker + 4;
        painter->setPen(muted);
        painter->drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignRight | Qt::AlignVCenter, text);
        break;
    }
    case ConversationModel::ClientColumn: {
        const bool event = index.data(ConversationModel::EventRole).toBool();
        int x = r.left();
        if (index.data(ConversationModel::PipelinedRole).toBool()) {
            painter->fillRect(
                QRect(opt.rect.left() + 1, opt.rect.top() + 2, 3, opt.rect.height() - 4), colors.accent(3));
        }
        QFont font = opt.font;
        if (text.isEmpty())
            break;
        if (event) {
            font.setItalic(true);
            painter->setFont(font);
            painter->setPen(muted);
            const QString shown = QStringLiteral("· ") + text;
            painter->drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                QFontMetrics(font).elidedText(shown, Qt::ElideRight, r.right() - x));
        } else {
            painter->setPen(muted);
            const QString arrow = QStringLiteral("C → ");
            painter->drawText(QRect(x, r.top(), r.width(), r.height()), Qt::AlignLeft | Qt::AlignVCenter, arrow);
            x += opt.fontMetrics.horizontalAdvance(arrow);
            QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
            mono.setPointSizeF(font.pointSizeF());
            painter->setFont(mono);
            painter->setPen(textColor);
            painter->drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                QFontMetrics(mono).elidedText(text, Qt::ElideRight, r.right() - x));
        }
        break;
    }
    case ConversationModel::ServerColumn: {
        const QString code = index.data(ConversationModel::ReplyCodeRole).toString();
        if (code.isEmpty())
            break;
        int x = r.left();
        painter->setPen(muted);
        const QString arrow = QStringLiteral("S ← ");
        painter->drawText(QRect(x, r.top(), r.width(), r.height()), Qt::AlignLeft | Qt::AlignVCenter, arrow);
        x += opt.fontMetrics.horizontalAdvance(arrow);
        QFont bold = opt.font;
        bold.setBold(true);
        const QFontMetrics bm(bold);
        const int badgeWidth = bm.horizontalAdvance(code) + 10;
        const QRectF badge(x, r.top() + (r.height() - h - 2) / 2.0, badgeWidth, h + 2);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(colors.badgeBackground(cls));
        painter->drawRoundedRect(badge, 3, 3);
        painter->setFont(bold);
        painter->setPen(colors.badgeText(cls));
        painter->drawText(badge, Qt::AlignCenter, code);
        x += badgeWidth + 6;
        QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        mono.setPointSizeF(opt.font.pointSizeF());
        painter->setFont(mono);
        painter->setPen(textColor);
        painter->drawText(QRect(x, r.top(), r.right() - x, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetrics(mono).elidedText(
                index.data(ConversationModel::ReplyTextRole).toString(), Qt::ElideRight, r.right() - x));
        break;
    }
    default:
        painter->setPen(muted);
        painter->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, text);
        break;
    }
    painter->restore();
}

} // namespace smtpscope::ui

#include "recipientdelegate.h"

#include "recipientmodel.h"
#include "statuscolors.h"

#include <QApplication>
#include <QPainter>

namespace smtpscope::ui {

QSize RecipientDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(std::max(size.height(), option.fontMetrics.height() + 8));
    return size;
}

void RecipientDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int column = index.column();
    if (column != RecipientModel::StatusColumn && column != RecipientModel::HardColumn) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const StatusColors colors(opt.palette);
    const int replyClass = index.data(RecipientModel::ReplyClassRole).toInt();
    const QString text = opt.text;
    if (column == RecipientModel::HardColumn) {
        if (!(opt.state & QStyle::State_Selected)) {
            opt.palette.setColor(QPalette::Text, colors.accent(text == u"hard" ? 5 : 4));
            opt.font.setBold(text == u"hard");
        }
        QStyledItemDelegate::paint(painter, opt, index);
        return;
    }
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    if (text.isEmpty())
        return;
    painter->save();
    QFont bold = opt.font;
    bold.setBold(true);
    const QFontMetrics fm(bold);
    const int h = opt.fontMetrics.height();
    const QRectF badge(opt.rect.left() + 4, opt.rect.top() + (opt.rect.height() - h) / 2.0,
        std::min(fm.horizontalAdvance(text) + 10, opt.rect.width() - 8), h);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colors.badgeBackground(replyClass));
    painter->drawRoundedRect(badge, 3, 3);
    painter->setFont(bold);
    painter->setPen(colors.badgeText(replyClass));
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace smtpscope::ui

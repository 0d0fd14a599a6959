#pragma once
/// @file
/// Everything in the aftersales C++ API.

#include <aftersales/batch.hpp>
#include <aftersales/calendar.hpp>
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/limits.hpp>
#include <aftersales/logging.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/refund.hpp>
#include <aftersales/compensation.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/staffing.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/ticket_batch.hpp>
#include <aftersales/values.hpp>
#include <aftersales/version.hpp>

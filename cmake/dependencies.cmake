# Every dependency comes from the system (Debian's -dev packages); nothing is fetched.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json)
find_package(date CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
